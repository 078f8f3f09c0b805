using System.Buffers.Binary;
using System.IO.Compression;
using ScanProxy.Pdq;
using ScanProxy.Pdq.Decoding;
using ScanProxy.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ScanProxy.Tests.Scanning;

/// <summary>
/// Images for the scanner tests: dev photos (read from ../shared, never copied), and hostile bodies made here.
/// The photos on the test lists are chosen by their PDQ quality, computed here, so that no test depends on a
/// photo the list could not match.
/// </summary>
internal static class TestImages
{
    private const int ListedCount = 4;
    private const int GoodQuality = 80;

    private static readonly Lazy<(Photo[] Listed, Photo[] Distinct)> s_photos = new(ChoosePhotos);

    /// <summary>Photos whose PDQ hashes tests put on a list.</summary>
    public static IReadOnlyList<Photo> Listed => s_photos.Value.Listed;

    /// <summary>Other photos, never on a list.</summary>
    public static IReadOnlyList<Photo> Distinct => s_photos.Value.Distinct;

    /// <summary>A hash-list line for a photo: its PDQ hex and an id.</summary>
    public static string PdqLine(Photo photo) => $"{photo.Pdq},{photo.Id}";

    /// <summary>The MD5 of <paramref name="data"/> in hex, as an MD5 list holds it.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351:Do not use broken cryptographic algorithms", Justification = "MD5 lists are what is tested.")]
    public static string Md5Hex(byte[] data) => Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(data));

    /// <summary>A flat gray PNG: decodable, but its PDQ quality is far below any threshold.</summary>
    public static byte[] FlatPng()
    {
        using var image = new Image<L8>(64, 64, new L8(128));
        using var output = new MemoryStream();
        image.SaveAsPng(output);
        return output.ToArray();
    }

    /// <summary>The first half of a JPEG.</summary>
    public static byte[] Truncated(byte[] jpeg) => jpeg[..(jpeg.Length / 2)];

    /// <summary>A JPEG signature followed by random bytes.</summary>
    public static byte[] JpegSignatureThenRandom(int length)
    {
        var bytes = new byte[length];
        new Random(6).NextBytes(bytes);
        bytes[0] = 0xFF;
        bytes[1] = 0xD8;
        bytes[2] = 0xFF;
        return bytes;
    }

    /// <summary>A well-formed PNG header (signature and IHDR with its CRC) claiming a size, and no pixels.</summary>
    public static byte[] PngHeader(int width, int height)
    {
        var png = new byte[8 + 25];
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        signature.CopyTo(png);
        var chunk = png.AsSpan(8);
        BinaryPrimitives.WriteInt32BigEndian(chunk, 13);
        "IHDR"u8.CopyTo(chunk[4..]);
        BinaryPrimitives.WriteInt32BigEndian(chunk[8..], width);
        BinaryPrimitives.WriteInt32BigEndian(chunk[12..], height);
        chunk[16] = 8; // bit depth
        chunk[17] = 2; // RGB
        BinaryPrimitives.WriteUInt32BigEndian(chunk[21..], Crc32(chunk[4..21]));
        return png;
    }

    /// <summary>A tiny GIF whose screen and image descriptor claim <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static byte[] GifBomb(ushort width, ushort height)
    {
        var gif = new List<byte>();
        gif.AddRange("GIF89a"u8.ToArray());
        gif.AddRange(BitConverter.GetBytes(width));
        gif.AddRange(BitConverter.GetBytes(height));
        gif.AddRange(new byte[] { 0x80, 0, 0 }); // global colour table of 2 entries
        gif.AddRange(new byte[] { 0, 0, 0, 255, 255, 255 });
        gif.Add(0x2C); // image descriptor
        gif.AddRange(new byte[] { 0, 0, 0, 0 });
        gif.AddRange(BitConverter.GetBytes(width));
        gif.AddRange(BitConverter.GetBytes(height));
        gif.Add(0);
        gif.AddRange(new byte[] { 2, 2, 0x4C, 0x01, 0 }); // LZW data: a clear code and an end
        gif.Add(0x3B);
        return [.. gif];
    }

    /// <summary>A little-endian TIFF header and nothing else.</summary>
    public static byte[] Tiff() => [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>Compresses with one HTTP content coding: gzip, br, deflate (zlib) or raw-deflate.</summary>
    public static byte[] Encode(byte[] data, string coding)
    {
        using var output = new MemoryStream();
        using (var compressor = Compressor(output, coding))
        {
            compressor.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>gzip of <paramref name="length"/> zero bytes: a few hundred KiB that expand without limit.</summary>
    public static byte[] GzipOfZeros(long length)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        {
            var zeros = new byte[1024 * 1024];
            for (long written = 0; written < length; written += zeros.Length)
            {
                gzip.Write(zeros, 0, (int)Math.Min(zeros.Length, length - written));
            }
        }

        return output.ToArray();
    }

    private static Stream Compressor(Stream output, string coding) => coding switch
    {
        "gzip" => new GZipStream(output, CompressionLevel.Fastest),
        "br" => new BrotliStream(output, CompressionLevel.Fastest),
        "deflate" => new ZLibStream(output, CompressionLevel.Fastest),
        "raw-deflate" => new DeflateStream(output, CompressionLevel.Fastest),
        _ => throw new ArgumentOutOfRangeException(nameof(coding), coding, "Not a coding these tests make."),
    };

    private static (Photo[] Listed, Photo[] Distinct) ChoosePhotos()
    {
        var files = Directory.GetFiles(TestPaths.DevCorpus, "*.jpg");
        Array.Sort(files, StringComparer.Ordinal);
        var listed = new List<Photo>();
        var distinct = new List<Photo>();
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            var result = PdqHasher.HashImage(bytes, ImageDecodeOptions.Default, dihedral: false);
            if (result.Quality < GoodQuality)
            {
                continue;
            }

            var photo = new Photo(Path.GetFileNameWithoutExtension(file), bytes, result.Hash.ToString());
            if (listed.Count < ListedCount)
            {
                listed.Add(photo);
            }
            else if (distinct.Count < ListedCount)
            {
                distinct.Add(photo);
            }
            else
            {
                break;
            }
        }

        return ([.. listed], [.. distinct]);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}

/// <summary>A dev photo: its name, bytes and PDQ hash.</summary>
internal sealed record Photo(string Id, byte[] Bytes, string Pdq);

using System.IO.Compression;
using System.Text;
using ScanProxy.Testing;

namespace ScanProxy.Tests.Tee;

/// <summary>Bodies for the tee's tests: real image files from ../shared and their encodings, made in the test.</summary>
internal static class TeeTestData
{
    public static readonly byte[] Png = File.ReadAllBytes(Path.Combine(TestPaths.PdqReference, "png", "gcompris-qt-data__categorization__buffetset.png"));

    public static readonly byte[] Jpeg = File.ReadAllBytes(Path.Combine(TestPaths.DevCorpus, "gcompris-qt-data__categorization__buffetset.jpg"));

    public static readonly byte[] Html = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("<!DOCTYPE html><p>not an image</p>\n", 200)));

    // A little-endian TIFF header: recognised, then reported unsupported by the scanner.
    public static readonly byte[] Tiff = [.. "II*\0"u8, 8, 0, 0, 0, .. new byte[64]];

    public static byte[] Gzip(byte[] data) => Compress(data, static s => new GZipStream(s, CompressionLevel.Optimal, leaveOpen: true));

    public static byte[] Zlib(byte[] data) => Compress(data, static s => new ZLibStream(s, CompressionLevel.Optimal, leaveOpen: true));

    public static byte[] RawDeflate(byte[] data) => Compress(data, static s => new DeflateStream(s, CompressionLevel.Optimal, leaveOpen: true));

    public static byte[] Brotli(byte[] data) => Compress(data, static s => new BrotliStream(s, CompressionLevel.Optimal, leaveOpen: true));

    /// <summary><paramref name="data"/> cut into pieces of the given sizes, the last piece taking the rest.</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Split(byte[] data, params int[] sizes)
    {
        var offset = 0;
        foreach (var size in sizes)
        {
            if (offset >= data.Length)
            {
                yield break;
            }

            var count = Math.Min(size, data.Length - offset);
            yield return data.AsMemory(offset, count);
            offset += count;
        }

        if (offset < data.Length)
        {
            yield return data.AsMemory(offset);
        }
    }

    private static byte[] Compress(byte[] data, Func<Stream, Stream> open)
    {
        using var output = new MemoryStream();
        using (var compressor = open(output))
        {
            compressor.Write(data);
        }

        return output.ToArray();
    }
}

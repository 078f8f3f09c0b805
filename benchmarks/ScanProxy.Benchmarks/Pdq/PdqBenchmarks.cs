using BenchmarkDotNet.Attributes;
using ScanProxy.Pdq;
using ScanProxy.Pdq.Decoding;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ScanProxy.Benchmarks.Pdq;

/// <summary>
/// PDQ over the dev corpus, one thread: hashing from decoded pixels, decoding alone, and both with the 8 dihedral
/// hashes (issue 3). Each invocation processes all 310 photos, so the reported mean is per image.
/// </summary>
[SimpleJob(warmupCount: 2, iterationCount: 5)]
[MemoryDiagnoser]
public class PdqBenchmarks
{
    private const int CorpusSize = 310;

    private byte[][] _jpegs = [];
    private DecodedPixels[] _pixels = [];

    [GlobalSetup]
    public void Setup()
    {
        _jpegs = DevCorpus.LoadJpegs();
        if (_jpegs.Length != CorpusSize)
        {
            throw new InvalidOperationException($"Expected {CorpusSize} dev photos, found {_jpegs.Length}.");
        }

        _pixels = _jpegs.Select(Decode).ToArray();
    }

    [Benchmark(OperationsPerInvoke = CorpusSize, Description = "hash only, from decoded pixels")]
    public int HashFromPixels() => HashAll(dihedral: false);

    [Benchmark(OperationsPerInvoke = CorpusSize, Description = "hash + 8 dihedral, from decoded pixels")]
    public int HashWithDihedralFromPixels() => HashAll(dihedral: true);

    [Benchmark(OperationsPerInvoke = CorpusSize, Description = "decode only (sniff, identify, checks, ImageSharp)")]
    public int DecodeOnly()
    {
        var total = 0;
        foreach (var jpeg in _jpegs)
        {
            using var image = ImageDecoder.Decode(jpeg, ImageDecodeOptions.Default);
            total += image.Width;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = CorpusSize, Description = "decode + hash + 8 dihedral")]
    public int DecodeAndHashWithDihedral()
    {
        var total = 0;
        foreach (var jpeg in _jpegs)
        {
            total += PdqHasher.HashImage(jpeg, ImageDecodeOptions.Default, dihedral: true).Quality;
        }

        return total;
    }

    private int HashAll(bool dihedral)
    {
        var total = 0;
        foreach (var p in _pixels)
        {
            total += PdqHasher.HashPixels(p.Bytes, p.Width, p.Height, p.Width * p.BytesPerPixel, p.Format, dihedral).Quality;
        }

        return total;
    }

    private static DecodedPixels Decode(byte[] jpeg)
    {
        using var image = ImageDecoder.Decode(jpeg, ImageDecodeOptions.Default);
        return image switch
        {
            Image<L8> gray => new DecodedPixels(Bytes(gray), gray.Width, gray.Height, 1, PdqPixelFormat.L8),
            Image<Rgb24> rgb => new DecodedPixels(Bytes(rgb), rgb.Width, rgb.Height, 3, PdqPixelFormat.Rgb24),
            _ => throw new InvalidOperationException("Unexpected pixel type."),
        };
    }

    private static byte[] Bytes<TPixel>(Image<TPixel> image)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        var bytes = new byte[image.Width * image.Height * image.PixelType.BitsPerPixel / 8];
        image.CopyPixelDataTo(bytes);
        return bytes;
    }

    private sealed record DecodedPixels(byte[] Bytes, int Width, int Height, int BytesPerPixel, PdqPixelFormat Format);
}

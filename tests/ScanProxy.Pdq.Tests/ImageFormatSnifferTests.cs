using ScanProxy.Pdq.Decoding;

namespace ScanProxy.Pdq.Tests;

public class ImageFormatSnifferTests
{
    private static IEnumerable<TestCaseData> Signatures()
    {
        yield return new TestCaseData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10 }, ImageKind.Jpeg);
        yield return new TestCaseData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 }, ImageKind.Png);
        yield return new TestCaseData("GIF89a\x01\0"u8.ToArray(), ImageKind.Gif);
        yield return new TestCaseData("GIF87a\x01\0"u8.ToArray(), ImageKind.Gif);
        yield return new TestCaseData("RIFF\x10\0\0\0WEBPVP8 "u8.ToArray(), ImageKind.WebP);
        yield return new TestCaseData(new byte[] { (byte)'B', (byte)'M', 0x36, 0x10, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0 }, ImageKind.Bmp);
        yield return new TestCaseData("II*\0\x08\0\0\0"u8.ToArray(), ImageKind.Tiff);
        yield return new TestCaseData("MM\0*\0\0\0\x08"u8.ToArray(), ImageKind.Tiff);
        yield return new TestCaseData("BMW is a car maker"u8.ToArray(), ImageKind.Unknown);
        yield return new TestCaseData("RIFF\x10\0\0\0WAVEfmt "u8.ToArray(), ImageKind.Unknown);
        yield return new TestCaseData("<html><body>"u8.ToArray(), ImageKind.Unknown);
        yield return new TestCaseData(new byte[] { 0xFF, 0xD8 }, ImageKind.Unknown);
        yield return new TestCaseData(Array.Empty<byte>(), ImageKind.Unknown);
    }

    [TestCaseSource(nameof(Signatures))]
    public void Detect_recognises_each_signature_and_nothing_else(byte[] firstBytes, ImageKind expected)
    {
        Assert.That(ImageFormatSniffer.Detect(firstBytes), Is.EqualTo(expected));
    }

    [Test]
    public void The_first_header_length_bytes_of_every_reference_image_are_enough()
    {
        var files = Directory.GetFiles(Path.Combine(ScanProxy.Testing.TestPaths.PdqReference, "png"), "*.png")
            .Concat(Directory.GetFiles(ScanProxy.Testing.TestPaths.DevCorpus, "*.jpg").Take(20));
        foreach (var file in files)
        {
            var header = File.ReadAllBytes(file).AsSpan(0, ImageFormatSniffer.HeaderLength);
            Assert.That(ImageFormatSniffer.Detect(header), Is.EqualTo(file.EndsWith(".png", StringComparison.Ordinal) ? ImageKind.Png : ImageKind.Jpeg), file);
        }
    }
}

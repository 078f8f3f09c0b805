using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Processing;

namespace ScanProxy.EndToEnd.Tests.Scanning;

/// <summary>Edited copies of a photo, made as a re-uploader would: resized, recompressed, mirrored.</summary>
internal static class PhotoEdits
{
    /// <summary>Resized to <paramref name="scale"/> of each side.</summary>
    public static byte[] Resized(byte[] jpeg, double scale) => Edit(jpeg, x => x.Resize((int)(x.GetCurrentSize().Width * scale), (int)(x.GetCurrentSize().Height * scale)), 75);

    /// <summary>Re-encoded as JPEG at <paramref name="quality"/>.</summary>
    public static byte[] Recompressed(byte[] jpeg, int quality) => Edit(jpeg, null, quality);

    /// <summary>Mirrored left to right.</summary>
    public static byte[] Mirrored(byte[] jpeg) => Edit(jpeg, x => x.Flip(FlipMode.Horizontal), 75);

    private static byte[] Edit(byte[] jpeg, Action<IImageProcessingContext>? edit, int quality)
    {
        using var image = Image.Load(jpeg);
        if (edit is not null)
        {
            image.Mutate(edit);
        }

        using var output = new MemoryStream();
        image.SaveAsJpeg(output, new JpegEncoder { Quality = quality });
        return output.ToArray();
    }
}

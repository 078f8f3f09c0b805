namespace ScanProxy.Pdq.Hashing;

/// <summary>
/// Decoded 8-bit pixels as the hasher reads them: <see cref="BytesPerPixel"/> bytes a pixel (1 gray, 3 RGB, 4 RGBA),
/// rows <see cref="Stride"/> bytes apart. When <see cref="IsGray"/> the first byte of each pixel is the luma itself.
/// </summary>
internal readonly ref struct PixelSource
{
    public PixelSource(ReadOnlySpan<byte> pixels, int width, int height, int stride, int bytesPerPixel, bool isGray)
    {
        Pixels = pixels;
        Width = width;
        Height = height;
        Stride = stride;
        BytesPerPixel = bytesPerPixel;
        IsGray = isGray;
    }

    public ReadOnlySpan<byte> Pixels { get; }

    public int Width { get; }

    public int Height { get; }

    public int Stride { get; }

    public int BytesPerPixel { get; }

    public bool IsGray { get; }

    /// <summary>The bytes of row <paramref name="y"/>, <c>Width * BytesPerPixel</c> long.</summary>
    public ReadOnlySpan<byte> Row(int y) => Pixels.Slice(y * Stride, Width * BytesPerPixel);
}

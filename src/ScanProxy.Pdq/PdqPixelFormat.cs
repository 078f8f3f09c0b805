namespace ScanProxy.Pdq;

/// <summary>The layout of decoded pixels handed to <see cref="PdqHasher.HashPixels"/>.</summary>
public enum PdqPixelFormat
{
    /// <summary>Three bytes a pixel: red, green, blue.</summary>
    Rgb24,

    /// <summary>Four bytes a pixel: red, green, blue, alpha. Alpha is ignored, as the reference ignores it.</summary>
    Rgba32,

    /// <summary>One byte a pixel: the gray value, used as the luma itself.</summary>
    L8,
}

namespace ScanProxy.Pdq.Decoding;

/// <summary>An image container format, as recognised from the first bytes of a file or response.</summary>
public enum ImageKind
{
    /// <summary>Not a recognised image format.</summary>
    Unknown,

    /// <summary>JPEG (JFIF, Exif or plain SOI).</summary>
    Jpeg,

    /// <summary>PNG.</summary>
    Png,

    /// <summary>GIF (87a or 89a); only the first frame is hashed.</summary>
    Gif,

    /// <summary>WebP (RIFF container), lossy or lossless.</summary>
    WebP,

    /// <summary>Windows bitmap.</summary>
    Bmp,

    /// <summary>TIFF: recognised so that it can be reported, but never decoded (ImageSharp 2.1's TIFF decoder has open advisories).</summary>
    Tiff,
}

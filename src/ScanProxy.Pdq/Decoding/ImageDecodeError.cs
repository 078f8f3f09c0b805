namespace ScanProxy.Pdq.Decoding;

/// <summary>Why an image could not be decoded.</summary>
public enum ImageDecodeError
{
    /// <summary>No bytes at all.</summary>
    Empty,

    /// <summary>The data ends before the image does.</summary>
    Truncated,

    /// <summary>The data is not a valid image of its format.</summary>
    Corrupt,

    /// <summary>Not an image format that is decoded here (unknown, or TIFF, which is refused on purpose).</summary>
    Unsupported,

    /// <summary>The image is over the pixel, byte or allocation limit of <see cref="ImageDecodeOptions"/>.</summary>
    TooLarge,

    /// <summary>The header gives a width or height of zero.</summary>
    ZeroSize,
}

namespace ScanProxy.Pdq.Decoding;

/// <summary>An image could not be decoded; <see cref="Reason"/> says why.</summary>
public sealed class ImageDecodeException : Exception
{
    /// <summary>Creates an exception for <paramref name="reason"/>.</summary>
    public ImageDecodeException(ImageDecodeError reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Creates an exception with a generic message.</summary>
    public ImageDecodeException()
        : this(ImageDecodeError.Corrupt, "The image could not be decoded.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public ImageDecodeException(string message)
        : this(ImageDecodeError.Corrupt, message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    public ImageDecodeException(string message, Exception innerException)
        : this(ImageDecodeError.Corrupt, message, innerException)
    {
    }

    /// <summary>Why the image could not be decoded.</summary>
    public ImageDecodeError Reason { get; }
}

namespace ScanProxy.Scanning.Tee;

/// <summary>How a response can tell the scanner about the object behind it.</summary>
internal enum ResponseKind
{
    /// <summary>Says nothing about an object: not GET or HEAD, or a status other than 200 and 206.</summary>
    Ignored,

    /// <summary>A 200 to a GET: its body is the whole object and can be teed.</summary>
    Full,

    /// <summary>A 206: part of the object; when it is an image, the scanner fetches the whole.</summary>
    Partial,

    /// <summary>A 200 to a HEAD: no body; when its Content-Type says image, the scanner fetches the object.</summary>
    Head,
}

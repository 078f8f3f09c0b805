namespace ScanProxy.Demo;

/// <summary>One of the demo's sample photos (credited in samples/CREDITS.md).</summary>
/// <param name="FileName">Its name, as the sample site serves it under <c>/photos/</c>.</param>
/// <param name="Bytes">The JPEG file.</param>
internal sealed record DemoSample(string FileName, byte[] Bytes);

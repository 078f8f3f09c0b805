namespace ScanProxy.Demo;

/// <summary>The sample photos, embedded in the assembly so that the demo needs no files around it.</summary>
internal static class DemoSamples
{
    /// <summary>The photo whose PDQ hash the demo puts on its list.</summary>
    public const string Known = "goldfish.jpg";

    private const string ResourcePrefix = "ScanProxy.Demo.samples.";

    // The known photo first, then the photos on no list.
    private static readonly string[] s_fileNames = [Known, "windmill.jpg", "igloo.jpg", "measuring-tape.jpg"];

    /// <summary>Reads every sample, the known one first.</summary>
    public static IReadOnlyList<DemoSample> Load()
    {
        var assembly = typeof(DemoSamples).Assembly;
        var samples = new DemoSample[s_fileNames.Length];
        for (var i = 0; i < s_fileNames.Length; i++)
        {
            using var stream = assembly.GetManifestResourceStream(ResourcePrefix + s_fileNames[i])
                ?? throw new InvalidOperationException($"The demo sample {s_fileNames[i]} is not embedded in {assembly.GetName().Name}.");
            using var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            samples[i] = new DemoSample(s_fileNames[i], bytes.ToArray());
        }

        return samples;
    }
}

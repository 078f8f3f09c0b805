namespace ScanProxy.Hosting;

/// <summary>One thing wrong with the configuration, named by its field.</summary>
/// <param name="Field">The configuration path, e.g. <c>ScanProxy:Zones:shop:Origins:0</c>, or a file path.</param>
/// <param name="Message">What is wrong with it.</param>
internal sealed record ConfigurationError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

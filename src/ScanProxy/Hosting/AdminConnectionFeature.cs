using Microsoft.AspNetCore.Http;

namespace ScanProxy.Hosting;

/// <summary>
/// Marks a connection accepted on the admin listener. Set by the listener itself, so a client cannot forge it the
/// way it could a Host header; <see cref="ListenerMatcherPolicy"/> routes by it.
/// </summary>
internal sealed class AdminConnectionFeature
{
    public static readonly AdminConnectionFeature Instance = new();

    private AdminConnectionFeature()
    {
    }

    /// <summary>True when the request arrived on the admin listener.</summary>
    public static bool IsAdmin(HttpContext context) => context.Features.Get<AdminConnectionFeature>() is not null;
}

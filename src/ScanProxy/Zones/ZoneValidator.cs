using System.Net.Mail;
using ScanProxy.Hosting;

namespace ScanProxy.Zones;

/// <summary>
/// Checks the zones as a whole (SPEC §3), naming the field of each error: hosts and origins present and well
/// formed, no host in two zones, known hash lists, thresholds in range.
/// </summary>
internal static class ZoneValidator
{
    private const int MaxPdqDistance = 128;
    private const int MaxPdqQuality = 100;

    /// <summary>Every error in <paramref name="zones"/>; empty when they can be used.</summary>
    /// <param name="zones">The zones by name.</param>
    /// <param name="hashListNames">The keys of <c>ScanProxy:HashLists</c>.</param>
    public static IReadOnlyList<ConfigurationError> Validate(IReadOnlyDictionary<string, ZoneOptions> zones, IReadOnlyCollection<string> hashListNames)
    {
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(hashListNames);

        var errors = new List<ConfigurationError>();
        var knownLists = new HashSet<string>(hashListNames, StringComparer.OrdinalIgnoreCase);
        var owners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var wildcards = new List<(string Host, string Zone)>();

        foreach (var (name, zone) in zones)
        {
            var field = $"{ZoneConfiguration.ZonesSection}:{name}";
            ValidateName(name, field, errors);
            ValidateHosts(name, zone, field, owners, wildcards, errors);
            ValidateOrigins(zone, field, errors);
            ValidateMatching(zone, field, knownLists, errors);
            ValidateNotify(zone.Notify, field, errors);
        }

        return errors;
    }

    private static void ValidateName(string name, string field, List<ConfigurationError> errors)
    {
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                // The name goes into store keys (inside a Redis Cluster hash tag) and metric labels.
                errors.Add(new(field, $"the zone name '{name}' may only contain letters, digits, '-', '_' and '.'."));
                return;
            }
        }
    }

    private static void ValidateHosts(
        string name,
        ZoneOptions zone,
        string field,
        Dictionary<string, string> owners,
        List<(string Host, string Zone)> wildcards,
        List<ConfigurationError> errors)
    {
        if (zone.Hosts.Count == 0)
        {
            errors.Add(new($"{field}:Hosts", "a zone needs at least one host."));
            return;
        }

        for (var i = 0; i < zone.Hosts.Count; i++)
        {
            var hostField = $"{field}:Hosts:{i}";
            var configured = zone.Hosts[i] ?? "";
            if (!IsHostPattern(configured))
            {
                errors.Add(new(hostField, $"'{configured}' is not a host name: write a name such as shop.example, or *.shop.example for its subdomains, without scheme, port or path."));
                continue;
            }

            var host = ZoneSnapshot.Normalize(configured);
            if (owners.TryGetValue(host, out var owner))
            {
                if (!string.Equals(owner, name, StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add(new(hostField, $"'{configured}' is already a host of zone '{owner}'; a host belongs to one zone."));
                }

                continue;
            }

            owners.Add(host, name);
            if (host.StartsWith("*.", StringComparison.Ordinal))
            {
                foreach (var (other, otherZone) in wildcards)
                {
                    // Nested wildcards of two zones (*.shop.example, *.a.shop.example) make routing ambiguous.
                    if (!string.Equals(otherZone, name, StringComparison.OrdinalIgnoreCase)
                        && (host.EndsWith(other[1..], StringComparison.Ordinal) || other.EndsWith(host[1..], StringComparison.Ordinal)))
                    {
                        errors.Add(new(hostField, $"'{configured}' overlaps '{other}' of zone '{otherZone}'; wildcards of different zones must not nest."));
                    }
                }

                wildcards.Add((host, name));
            }
        }
    }

    private static bool IsHostPattern(string value)
    {
        var host = ZoneSnapshot.Normalize(value);
        if (host.StartsWith("*.", StringComparison.Ordinal))
        {
            host = host[2..];
        }

        // IPv6 literals are left out: the router's host patterns cannot hold their colons.
        return Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4;
    }

    private static void ValidateOrigins(ZoneOptions zone, string field, List<ConfigurationError> errors)
    {
        if (zone.Origins.Count == 0)
        {
            errors.Add(new($"{field}:Origins", "a zone needs at least one origin."));
            return;
        }

        for (var i = 0; i < zone.Origins.Count; i++)
        {
            if (!IsHttpUrl(zone.Origins[i], out var reason))
            {
                errors.Add(new($"{field}:Origins:{i}", reason));
            }
        }
    }

    private static void ValidateMatching(ZoneOptions zone, string field, HashSet<string> knownLists, List<ConfigurationError> errors)
    {
        for (var i = 0; i < zone.HashLists.Count; i++)
        {
            var list = zone.HashLists[i];
            if (list is null || !knownLists.Contains(list))
            {
                var known = knownLists.Count == 0
                    ? $"none is configured under {ZoneConfiguration.HashListsSection}"
                    : "known: " + string.Join(", ", knownLists.Order(StringComparer.OrdinalIgnoreCase));
                errors.Add(new($"{field}:HashLists:{i}", $"'{list}' is not a hash list ({known})."));
            }
        }

        if (zone.MaxDistance is < 0 or > MaxPdqDistance)
        {
            errors.Add(new($"{field}:MaxDistance", $"must be between 0 and {MaxPdqDistance}; it is {zone.MaxDistance}."));
        }

        if (zone.MinQuality is < 0 or > MaxPdqQuality)
        {
            errors.Add(new($"{field}:MinQuality", $"must be between 0 and {MaxPdqQuality}; it is {zone.MinQuality}."));
        }

        if (zone.BlockStatusCode is < 400 or > 599)
        {
            errors.Add(new($"{field}:BlockStatusCode", $"must be an error status between 400 and 599; it is {zone.BlockStatusCode}."));
        }

        AddIfUndefined(zone.Mode, $"{field}:Mode", errors);
        AddIfUndefined(zone.HoldFailure, $"{field}:HoldFailure", errors);
        AddIfUndefined(zone.Action, $"{field}:Action", errors);
    }

    private static void ValidateNotify(NotifyOptions notify, string field, List<ConfigurationError> errors)
    {
        for (var i = 0; i < notify.Emails.Count; i++)
        {
            if (!MailAddress.TryCreate(notify.Emails[i], out _))
            {
                errors.Add(new($"{field}:Notify:Emails:{i}", $"'{notify.Emails[i]}' is not an e-mail address."));
            }
        }

        for (var i = 0; i < notify.Webhooks.Count; i++)
        {
            if (!IsHttpUrl(notify.Webhooks[i].Url, out var reason))
            {
                errors.Add(new($"{field}:Notify:Webhooks:{i}:Url", reason));
            }
        }
    }

    private static bool IsHttpUrl(string? value, out string reason)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && uri.UserInfo.Length == 0
            && uri.Query.Length == 0
            && uri.Fragment.Length == 0)
        {
            reason = "";
            return true;
        }

        reason = $"'{value}' is not an absolute http(s) URL without user, query or fragment.";
        return false;
    }

    private static void AddIfUndefined<TEnum>(TEnum value, string field, List<ConfigurationError> errors)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            errors.Add(new(field, $"'{value}' is not one of {string.Join(", ", Enum.GetNames<TEnum>())}."));
        }
    }
}

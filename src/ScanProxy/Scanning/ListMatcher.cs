using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using ScanProxy.Matching;
using ScanProxy.Pdq;

namespace ScanProxy.Scanning;

/// <summary>Matches an object against a zone's lists (SPEC §5): exact lists on its bytes, PDQ lists on its eight hashes.</summary>
internal static class ListMatcher
{
    /// <summary>
    /// The first exact list, in the zone's order, holding a digest of <paramref name="body"/>. MD5 and SHA-1 are
    /// computed only when the zone has a list of that kind.
    /// </summary>
    [SuppressMessage("Security", "CA5351:Do not use broken cryptographic algorithms", Justification = "Published exact lists use MD5; matching them needs the same digest. Nothing is protected by it.")]
    [SuppressMessage("Security", "CA5350:Do not use weak cryptographic algorithms", Justification = "Published exact lists use SHA-1; matching them needs the same digest. Nothing is protected by it.")]
    public static bool TryMatchExact(ZoneLists lists, ReadOnlySpan<byte> body, in ObjectDigest sha256, out ListMatch match)
    {
        Span<byte> md5 = stackalloc byte[MD5.HashSizeInBytes];
        Span<byte> sha1 = stackalloc byte[SHA1.HashSizeInBytes];
        Span<byte> sha = stackalloc byte[SHA256.HashSizeInBytes];
        sha256.CopyTo(sha);
        bool haveMd5 = false, haveSha1 = false;
        for (var i = 0; i < lists.Lists.Length; i++)
        {
            if (lists.Lists[i].ExactSet is not { } set)
            {
                continue;
            }

            scoped ReadOnlySpan<byte> digest;
            switch (set.Kind)
            {
                case HashListKind.Md5:
                    if (!haveMd5)
                    {
                        MD5.HashData(body, md5);
                        haveMd5 = true;
                    }

                    digest = md5;
                    break;
                case HashListKind.Sha1:
                    if (!haveSha1)
                    {
                        SHA1.HashData(body, sha1);
                        haveSha1 = true;
                    }

                    digest = sha1;
                    break;
                default:
                    digest = sha;
                    break;
            }

            if (set.Contains(digest, out var entry))
            {
                match = new ListMatch(lists.Names[i], set.Kind, set.GetId(entry), 0, null);
                return true;
            }
        }

        match = default;
        return false;
    }

    /// <summary>
    /// The closest entry, over the zone's PDQ lists, within <paramref name="maxDistance"/> of any of the eight
    /// <paramref name="variants"/>; on equal distances the list named first in the zone wins.
    /// </summary>
    public static bool TryMatchPdq(ZoneLists lists, ReadOnlySpan<PdqHash> variants, int maxDistance, out ListMatch match)
    {
        var bestList = -1;
        var best = default(PdqMatch);
        for (var i = 0; i < lists.Lists.Length; i++)
        {
            if (lists.Lists[i].PdqIndex is { } index
                && index.TryFindBest(variants, maxDistance, out var found)
                && (bestList < 0 || found.Distance < best.Distance))
            {
                bestList = i;
                best = found;
            }
        }

        if (bestList < 0)
        {
            match = default;
            return false;
        }

        var bestIndex = lists.Lists[bestList].PdqIndex!;
        match = new ListMatch(lists.Names[bestList], HashListKind.Pdq, bestIndex.GetId(best.Entry), best.Distance, (PdqVariant)best.Variant);
        return true;
    }
}

using System.Runtime.CompilerServices;
using ScanProxy.Pdq;

namespace ScanProxy.Matching.Tests.Index;

public class AlignedHashesTests
{
    [TestCase(0)]
    [TestCase(1)]
    [TestCase(1_000)]
    [TestCase(200_000)]
    public unsafe void Every_hash_lies_within_one_cache_line_and_reads_back(int length)
    {
        var random = new Random(length);
        var hashes = new PdqHash[length];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = new PdqHash((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64());
        }

        var aligned = AlignedHashes.Copy(hashes);

        Assert.That(aligned.Length, Is.EqualTo(length));
        Assert.That(aligned.Span.ToArray(), Is.EqualTo(hashes));
        if (length > 0)
        {
            // 32-byte hashes from a 32-byte boundary never cross a 64-byte line.
            Assert.That((long)Unsafe.AsPointer(ref aligned.First) % 32, Is.EqualTo(0L));
            Assert.That(Unsafe.AreSame(ref aligned.First, ref aligned.Span[0]), Is.True);
        }
    }
}

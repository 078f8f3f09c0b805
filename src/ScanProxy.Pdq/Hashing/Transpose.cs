using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ScanProxy.Pdq.Hashing;

/// <summary>8x8 float transposes, which let the row pass run one SIMD lane per row.</summary>
internal static class Transpose
{
    /// <summary>Transposes the 8x8 block <paramref name="m"/> (one vector a row) in place. Needs AVX.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Block8x8(Span<Vector256<float>> m)
    {
        var t0 = Avx.UnpackLow(m[0], m[1]);
        var t1 = Avx.UnpackHigh(m[0], m[1]);
        var t2 = Avx.UnpackLow(m[2], m[3]);
        var t3 = Avx.UnpackHigh(m[2], m[3]);
        var t4 = Avx.UnpackLow(m[4], m[5]);
        var t5 = Avx.UnpackHigh(m[4], m[5]);
        var t6 = Avx.UnpackLow(m[6], m[7]);
        var t7 = Avx.UnpackHigh(m[6], m[7]);

        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);

        m[0] = Avx.Permute2x128(u0, u4, 0x20);
        m[1] = Avx.Permute2x128(u1, u5, 0x20);
        m[2] = Avx.Permute2x128(u2, u6, 0x20);
        m[3] = Avx.Permute2x128(u3, u7, 0x20);
        m[4] = Avx.Permute2x128(u0, u4, 0x31);
        m[5] = Avx.Permute2x128(u1, u5, 0x31);
        m[6] = Avx.Permute2x128(u2, u6, 0x31);
        m[7] = Avx.Permute2x128(u3, u7, 0x31);
    }
}

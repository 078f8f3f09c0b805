using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ScanProxy.Pdq.Hashing;

/// <summary>
/// Eight luma values of one row at a time, for the vectorised row pass. Implemented by small structs so that the JIT
/// compiles one specialised row pass per source, with no virtual calls per pixel.
/// </summary>
internal interface ILumaRows
{
    /// <summary>
    /// The luma of pixels <c>x .. x+7</c> of row <paramref name="y"/>; pixels at or past the image width read as 0.
    /// Needs AVX2.
    /// </summary>
    Vector256<float> Load8(int y, int x);
}

/// <summary>Reads a float plane whose rows are padded with zeros to a multiple of 8 floats.</summary>
internal readonly ref struct PlaneRows : ILumaRows
{
    private readonly ref float _plane;
    private readonly int _stride;

    /// <summary>Reads <paramref name="plane"/>, rows <paramref name="planeStride"/> floats apart.</summary>
    public PlaneRows(Span<float> plane, int planeStride)
    {
        _plane = ref MemoryMarshal.GetReference(plane);
        _stride = planeStride;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Load8(int y, int x) => Vector256.LoadUnsafe(ref _plane, (nuint)((y * _stride) + x));
}

/// <summary>Fuses the luma step into the first row pass: <c>(0.299f*R + 0.587f*G) + 0.114f*B</c> from RGB24 bytes.</summary>
internal readonly ref struct Rgb24Rows : ILumaRows
{
    private readonly PixelSource _source;
    private readonly ref byte _pixels;
    private readonly int _stride;
    private readonly int _fastBlocks;

    public Rgb24Rows(in PixelSource source)
    {
        _source = source;
        _pixels = ref MemoryMarshal.GetReference(source.Pixels);
        _stride = source.Stride;
        _fastBlocks = FastBlocks(source);
    }

    /// <summary>
    /// How many blocks of 8 pixels at the start of each row are read with whole-vector loads. Three-byte pixels are read
    /// 16 bytes at a time from offsets 0 and 12 of each 24-byte block, which reads 4 bytes past the block: those must
    /// still be in the row.
    /// </summary>
    public static int FastBlocks(in PixelSource source) =>
        source.BytesPerPixel == 3 ? Math.Max(0, ((source.Width * 3) - 4) / 24) : source.Width / 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Load8(int y, int x)
    {
        if ((x >> 3) >= _fastBlocks)
        {
            return Luma.LoadSlow(_source, y, x);
        }

        ref var p = ref Unsafe.Add(ref _pixels, (y * _stride) + (x * 3));
        var v = Vector256.Create(Vector128.LoadUnsafe(ref p), Vector128.LoadUnsafe(ref Unsafe.Add(ref p, 12)));
        var r = Vector256.ConvertToSingle(Avx2.Shuffle(v, Rgb24Masks.Red).AsInt32());
        var g = Vector256.ConvertToSingle(Avx2.Shuffle(v, Rgb24Masks.Green).AsInt32());
        var b = Vector256.ConvertToSingle(Avx2.Shuffle(v, Rgb24Masks.Blue).AsInt32());
        return Luma.Weigh(r, g, b);
    }
}

/// <summary>Fuses the luma step into the first row pass: <c>(0.299f*R + 0.587f*G) + 0.114f*B</c> from RGBA32 bytes, alpha ignored.</summary>
internal readonly ref struct Rgba32Rows : ILumaRows
{
    private readonly PixelSource _source;
    private readonly ref byte _pixels;
    private readonly int _stride;
    private readonly int _fastBlocks;

    public Rgba32Rows(in PixelSource source)
    {
        _source = source;
        _pixels = ref MemoryMarshal.GetReference(source.Pixels);
        _stride = source.Stride;
        _fastBlocks = source.Width / 8;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Load8(int y, int x)
    {
        if ((x >> 3) >= _fastBlocks)
        {
            return Luma.LoadSlow(_source, y, x);
        }

        var v = Vector256.LoadUnsafe(ref Unsafe.Add(ref _pixels, (y * _stride) + (x * 4))).AsInt32();
        var mask = Vector256.Create(0xFF);
        var r = Vector256.ConvertToSingle(v & mask);
        var g = Vector256.ConvertToSingle(Vector256.ShiftRightLogical(v, 8) & mask);
        var b = Vector256.ConvertToSingle(Vector256.ShiftRightLogical(v, 16) & mask);
        return Luma.Weigh(r, g, b);
    }
}

/// <summary>Reads the gray value (the first byte of each pixel) as the luma, for L8 and for RGB images whose pixels all have R = G = B.</summary>
internal readonly ref struct GrayRows : ILumaRows
{
    private readonly PixelSource _source;
    private readonly ref byte _pixels;
    private readonly int _fastBlocks;

    public GrayRows(in PixelSource source)
    {
        _source = source;
        _pixels = ref MemoryMarshal.GetReference(source.Pixels);
        _fastBlocks = Rgb24Rows.FastBlocks(source);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Load8(int y, int x)
    {
        var bpp = _source.BytesPerPixel;
        if ((x >> 3) >= _fastBlocks)
        {
            return Luma.LoadSlow(_source, y, x);
        }

        ref var p = ref Unsafe.Add(ref _pixels, (y * _source.Stride) + (x * bpp));
        var values = bpp switch
        {
            1 => Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref p)).AsByte()),
            4 => Vector256.LoadUnsafe(ref p).AsInt32() & Vector256.Create(0xFF),
            _ => Avx2.Shuffle(Vector256.Create(Vector128.LoadUnsafe(ref p), Vector128.LoadUnsafe(ref Unsafe.Add(ref p, 12))), Rgb24Masks.Red).AsInt32(),
        };
        return Vector256.ConvertToSingle(values);
    }
}

/// <summary>vpshufb masks that spread the R, G or B bytes of four packed RGB24 pixels (per 128-bit lane) into int32 lanes.</summary>
internal static class Rgb24Masks
{
    public static readonly Vector256<byte> Red = Create(0);
    public static readonly Vector256<byte> Green = Create(1);
    public static readonly Vector256<byte> Blue = Create(2);

    private static Vector256<byte> Create(int channel)
    {
        Span<byte> mask = stackalloc byte[32];
        mask.Fill(0x80); // a set high bit makes vpshufb write zero
        for (var lane = 0; lane < 2; lane++)
        {
            for (var pixel = 0; pixel < 4; pixel++)
            {
                mask[(lane * 16) + (pixel * 4)] = (byte)((pixel * 3) + channel);
            }
        }

        return Vector256.Create<byte>(mask);
    }
}

using System.Collections.Concurrent;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;

namespace ScanProxy.Pdq.Decoding;

/// <summary>
/// An ImageSharp configuration that knows only the formats decoded here (no TIFF), never reads metadata, allocates
/// through a limited allocator, and the decoders that go with it. One set per allocation limit, shared by all threads.
/// </summary>
internal sealed class DecoderSet
{
    private const long Megabyte = 1024 * 1024;

    private static readonly ConcurrentDictionary<int, DecoderSet> s_byLimit = new();

    private DecoderSet(int allocationLimitMegabytes)
    {
        Configuration = new Configuration(
            new JpegConfigurationModule(),
            new PngConfigurationModule(),
            new GifConfigurationModule(),
            new WebpConfigurationModule(),
            new BmpConfigurationModule())
        {
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = allocationLimitMegabytes }),

            // One buffer per image lets the hasher read the pixels as a single span.
            PreferContiguousImageBuffers = true,

            // Callers hash many images at once (one per request or per file); a decoder fanning out on its own would
            // only oversubscribe the cores.
            MaxDegreeOfParallelism = 1,
        };
        Jpeg = new JpegDecoder { IgnoreMetadata = true };
        Png = new PngDecoder { IgnoreMetadata = true };
        Gif = new GifDecoder { IgnoreMetadata = true, DecodingMode = FrameDecodingMode.First };
        WebP = new WebpDecoder { IgnoreMetadata = true };
        Bmp = new BmpDecoder();
        Configuration.ImageFormatsManager.SetDecoder(JpegFormat.Instance, Jpeg);
        Configuration.ImageFormatsManager.SetDecoder(PngFormat.Instance, Png);
        Configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, Gif);
        Configuration.ImageFormatsManager.SetDecoder(WebpFormat.Instance, WebP);
        Configuration.ImageFormatsManager.SetDecoder(BmpFormat.Instance, Bmp);
    }

    public Configuration Configuration { get; }

    public JpegDecoder Jpeg { get; }

    public PngDecoder Png { get; }

    public GifDecoder Gif { get; }

    public WebpDecoder WebP { get; }

    public BmpDecoder Bmp { get; }

    /// <summary>The set whose allocator refuses single buffers over <paramref name="maxAllocationBytes"/>.</summary>
    public static DecoderSet For(long maxAllocationBytes)
    {
        var megabytes = (int)Math.Clamp((maxAllocationBytes + Megabyte - 1) / Megabyte, 1, int.MaxValue);
        return s_byLimit.GetOrAdd(megabytes, static mb => new DecoderSet(mb));
    }

    /// <summary>The decoder for <paramref name="kind"/>, or null when that format is not decoded here.</summary>
    public IImageDecoder? DecoderFor(ImageKind kind) => kind switch
    {
        ImageKind.Jpeg => Jpeg,
        ImageKind.Png => Png,
        ImageKind.Gif => Gif,
        ImageKind.WebP => WebP,
        ImageKind.Bmp => Bmp,
        _ => null,
    };
}

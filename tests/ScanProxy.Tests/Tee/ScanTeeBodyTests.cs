using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using ScanProxy.Scanning;
using ScanProxy.Scanning.Tee;
using Yarp.ReverseProxy.Forwarder;

namespace ScanProxy.Tests.Tee;

/// <summary>
/// The Async-mode tee on its own: what the client receives (everything, unchanged, in order) and what it leaves for
/// the scanner (a complete copy, a fetch, or nothing) for each kind of response.
/// </summary>
public sealed class ScanTeeBodyTests
{
    private const long Limit = 1024 * 1024;

    [Test]
    public async Task Writes_pass_through_unchanged_and_in_order_and_the_copy_is_the_whole_body()
    {
        using var tee = new TeeUnderTest(contentLength: TeeTestData.Png.Length);

        var pieces = TeeTestData.Split(TeeTestData.Png, 1, 3, 15, 2, 1000, 7).ToList();
        for (var i = 0; i < pieces.Count; i++)
        {
            // Both ways the proxy may write.
            if (i % 2 == 0)
            {
                await tee.Body.WriteAsync(pieces[i]);
            }
            else
            {
                tee.Body.Write(pieces[i].Span);
            }
        }

        Assert.That(tee.ClientBytes, Is.EqualTo(TeeTestData.Png));
        Assert.That(tee.Finish(out var body), Is.EqualTo(TeeResult.Teed));
        using (body)
        {
            Assert.That(body!.Span.ToArray(), Is.EqualTo(TeeTestData.Png));
        }
    }

    [Test]
    public async Task A_png_sent_as_text_plain_is_teed_by_its_bytes()
    {
        using var tee = new TeeUnderTest(contentType: "text/plain");

        await tee.Body.WriteAsync(TeeTestData.Png);

        Assert.That(tee.Finish(out var body), Is.EqualTo(TeeResult.Teed));
        body!.Dispose();
    }

    [Test]
    public async Task An_html_page_sent_as_image_png_is_not_teed()
    {
        using var tee = new TeeUnderTest(contentType: "image/png");

        await tee.Body.WriteAsync(TeeTestData.Html);

        Assert.That(tee.ClientBytes, Is.EqualTo(TeeTestData.Html));
        Assert.That(tee.Finish(out var body), Is.EqualTo(TeeResult.NotAnImage));
        Assert.That(body, Is.Null);
    }

    [Test]
    public async Task The_signature_is_recognised_across_writes_of_one_byte()
    {
        using var tee = new TeeUnderTest(contentLength: TeeTestData.Jpeg.Length);

        foreach (var piece in TeeTestData.Split(TeeTestData.Jpeg, Enumerable.Repeat(1, 40).ToArray()))
        {
            await tee.Body.WriteAsync(piece);
        }

        Assert.That(tee.Finish(out var body), Is.EqualTo(TeeResult.Teed));
        using (body)
        {
            Assert.That(body!.Span.ToArray(), Is.EqualTo(TeeTestData.Jpeg));
        }
    }

    [Test]
    public async Task A_complete_body_shorter_than_a_signature_is_teed_whole()
    {
        byte[] tiny = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        using var tee = new TeeUnderTest(contentLength: tiny.Length);

        await tee.Body.WriteAsync(tiny.AsMemory(0, 2));
        await tee.Body.WriteAsync(tiny.AsMemory(2));

        Assert.That(tee.Finish(out var body), Is.EqualTo(TeeResult.Teed));
        using (body)
        {
            Assert.That(body!.Span.ToArray(), Is.EqualTo(tiny));
        }
    }

    [Test]
    public async Task A_tiff_is_teed_so_that_the_scanner_can_report_it_unsupported()
    {
        using var tee = new TeeUnderTest(contentType: "application/octet-stream");

        await tee.Body.WriteAsync(TeeTestData.Tiff);

        Assert.That(tee.Finish(out var body), Is.EqualTo(TeeResult.Teed));
        body!.Dispose();
    }

    [Test]
    public async Task The_copy_is_dropped_past_the_limit_while_the_client_still_gets_everything()
    {
        using var tee = new TeeUnderTest(limit: 4096);

        foreach (var piece in TeeTestData.Split(TeeTestData.Png, 1000, 1000, 1000, 1000, 1000))
        {
            await tee.Body.WriteAsync(piece);
        }

        Assert.That(tee.ClientBytes, Is.EqualTo(TeeTestData.Png));
        Assert.That(tee.Finish(out var body), Is.EqualTo(TeeResult.TooLarge));
        Assert.That(body, Is.Null);
    }

    [Test]
    public async Task A_content_length_over_the_limit_is_reported_too_large_without_copying()
    {
        using var tee = new TeeUnderTest(contentLength: TeeTestData.Png.Length, limit: TeeTestData.Png.Length - 1);

        await tee.Body.WriteAsync(TeeTestData.Png);

        Assert.That(tee.ClientBytes, Is.EqualTo(TeeTestData.Png));
        Assert.That(tee.Finish(out _), Is.EqualTo(TeeResult.TooLarge));
    }

    [Test]
    public async Task A_body_of_exactly_the_limit_is_teed()
    {
        using var tee = new TeeUnderTest(contentLength: TeeTestData.Png.Length, limit: TeeTestData.Png.Length);

        await tee.Body.WriteAsync(TeeTestData.Png);

        Assert.That(tee.Finish(out var body), Is.EqualTo(TeeResult.Teed));
        body!.Dispose();
    }

    [Test]
    public async Task A_client_that_aborts_mid_body_leaves_the_object_to_be_fetched()
    {
        using var aborted = new CancellationTokenSource();
        using var tee = new TeeUnderTest(contentLength: TeeTestData.Png.Length, requestAborted: aborted.Token);

        await tee.Body.WriteAsync(TeeTestData.Png.AsMemory(0, 5000));
        await aborted.CancelAsync();

        Assert.That(tee.Finish(out var body), Is.EqualTo(TeeResult.Fetch));
        Assert.That(body, Is.Null);
    }

    [Test]
    public async Task A_write_that_fails_leaves_the_object_to_be_fetched()
    {
        using var tee = new TeeUnderTest(client: new FailingStream(failAfter: 3000));

        Assert.ThrowsAsync<IOException>(async () =>
        {
            foreach (var piece in TeeTestData.Split(TeeTestData.Png, 2000, 2000, 2000))
            {
                await tee.Body.WriteAsync(piece);
            }
        });

        Assert.That(tee.Finish(out _), Is.EqualTo(TeeResult.Fetch));
    }

    [Test]
    public async Task A_body_shorter_than_its_content_length_leaves_the_object_to_be_fetched()
    {
        using var tee = new TeeUnderTest(contentLength: TeeTestData.Png.Length);

        await tee.Body.WriteAsync(TeeTestData.Png.AsMemory(0, TeeTestData.Png.Length / 2));

        Assert.That(tee.Finish(out _), Is.EqualTo(TeeResult.Fetch));
    }

    [Test]
    public async Task A_proxy_error_leaves_the_object_to_be_fetched()
    {
        using var tee = new TeeUnderTest();

        await tee.Body.WriteAsync(TeeTestData.Png);
        tee.Context.Features.Set<IForwarderErrorFeature>(new ForwarderErrorFeatureStub(ForwarderError.ResponseBodyDestination));

        Assert.That(tee.Finish(out _), Is.EqualTo(TeeResult.Fetch));
    }

    [Test]
    public async Task An_aborted_download_of_a_non_image_is_not_fetched()
    {
        using var aborted = new CancellationTokenSource();
        using var tee = new TeeUnderTest(contentType: "text/html", requestAborted: aborted.Token);

        await tee.Body.WriteAsync(TeeTestData.Html.AsMemory(0, 100));
        await aborted.CancelAsync();

        Assert.That(tee.Finish(out _), Is.EqualTo(TeeResult.NotAnImage));
    }

    [Test]
    public async Task A_download_aborted_before_any_byte_is_fetched_when_its_type_says_image()
    {
        using var aborted = new CancellationTokenSource();
        using var tee = new TeeUnderTest(contentType: "image/jpeg", contentLength: 1000, requestAborted: aborted.Token);

        await tee.Body.StartAsync();
        await aborted.CancelAsync();

        Assert.That(tee.Finish(out _), Is.EqualTo(TeeResult.Fetch));
    }

    // Fetched: by its type; by its first bytes, which only a range from 0 has; not from the middle of an untyped object.
    [TestCase("image/png", "bytes 100-199/29079", ExpectedResult = true)]
    [TestCase("application/octet-stream", "bytes 0-4999/29079", ExpectedResult = true)]
    [TestCase("application/octet-stream", "bytes 100-5099/29079", ExpectedResult = false)]
    public async Task<bool> A_partial_response_of_an_image_is_fetched_whole_and_never_copied(string contentType, string contentRange)
    {
        using var tee = new TeeUnderTest(status: StatusCodes.Status206PartialContent, contentType: contentType);
        tee.Context.Response.Headers.ContentRange = contentRange;
        var start = contentRange.Contains("bytes 0-", StringComparison.Ordinal) ? 0 : 100;

        await tee.Body.WriteAsync(TeeTestData.Png.AsMemory(start, 5000));

        var result = tee.Finish(out var body);
        Assert.That(body, Is.Null);
        Assert.That(result, Is.AnyOf(TeeResult.Fetch, TeeResult.NotAnImage));
        return result == TeeResult.Fetch;
    }

    [TestCase("image/webp", ExpectedResult = true)]
    [TestCase("text/html; charset=utf-8", ExpectedResult = false)]
    [TestCase(null, ExpectedResult = false)]
    public bool A_head_of_an_image_is_fetched_by_its_content_type(string? contentType)
    {
        using var tee = new TeeUnderTest(method: HttpMethods.Head, contentType: contentType, contentLength: 29079);

        var result = tee.Finish(out _);
        Assert.That(result, Is.AnyOf(TeeResult.Fetch, TeeResult.NotAnImage));
        return result == TeeResult.Fetch;
    }

    [TestCase(StatusCodes.Status404NotFound)]
    [TestCase(StatusCodes.Status304NotModified)]
    [TestCase(StatusCodes.Status500InternalServerError)]
    public async Task An_image_under_another_status_is_not_teed(int status)
    {
        using var tee = new TeeUnderTest(status: status);

        await tee.Body.WriteAsync(TeeTestData.Png);

        Assert.That(tee.Finish(out _), Is.EqualTo(TeeResult.NotAnImage));
    }

    [Test]
    public async Task A_post_answered_with_an_image_is_not_teed()
    {
        using var tee = new TeeUnderTest(method: HttpMethods.Post);

        await tee.Body.WriteAsync(TeeTestData.Png);

        Assert.That(tee.Finish(out _), Is.EqualTo(TeeResult.NotAnImage));
    }

    [TestCase("gzip")]
    [TestCase("x-gzip")]
    [TestCase("deflate")]
    [TestCase("br")]
    public async Task An_encoded_image_is_recognised_and_teed_as_sent(string encoding)
    {
        var encoded = Encode(encoding, TeeTestData.Png);
        using var tee = new TeeUnderTest(contentLength: encoded.Length, contentEncoding: encoding);

        foreach (var piece in TeeTestData.Split(encoded, 1, 2, 5, 30, 100, 2000))
        {
            await tee.Body.WriteAsync(piece);
        }

        Assert.That(tee.ClientBytes, Is.EqualTo(encoded));
        Assert.That(tee.Finish(out var body), Is.EqualTo(TeeResult.Teed));
        using (body)
        {
            Assert.That(body!.Span.ToArray(), Is.EqualTo(encoded));
        }
    }

    [Test]
    public async Task Raw_deflate_sent_as_deflate_is_recognised_too()
    {
        var encoded = TeeTestData.RawDeflate(TeeTestData.Jpeg);
        using var tee = new TeeUnderTest(contentEncoding: "deflate");

        await tee.Body.WriteAsync(encoded);

        Assert.That(tee.Finish(out var body), Is.EqualTo(TeeResult.Teed));
        body!.Dispose();
    }

    [TestCase("gzip")]
    [TestCase("deflate")]
    [TestCase("br")]
    public async Task An_encoded_page_is_not_teed(string encoding)
    {
        using var tee = new TeeUnderTest(contentType: "text/html", contentEncoding: encoding);

        await tee.Body.WriteAsync(Encode(encoding, TeeTestData.Html));

        Assert.That(tee.Finish(out _), Is.EqualTo(TeeResult.NotAnImage));
    }

    [Test]
    public async Task A_short_encoded_image_is_decided_when_the_body_ends()
    {
        byte[] tiny = [0x89, .. "PNG\r\n\u001a\n"u8, 0, 0, 0, 13];
        var encoded = TeeTestData.Gzip(tiny);
        using var tee = new TeeUnderTest(contentEncoding: "gzip");

        await tee.Body.WriteAsync(encoded);

        Assert.That(tee.Finish(out var body), Is.EqualTo(TeeResult.Teed));
        using (body)
        {
            Assert.That(body!.Span.ToArray(), Is.EqualTo(encoded));
        }
    }

    [TestCase("gzip")]
    [TestCase("br")]
    public async Task Bytes_that_are_not_of_the_declared_encoding_are_not_teed(string encoding)
    {
        using var tee = new TeeUnderTest(contentEncoding: encoding);

        // Not compressed at all, whatever the header says.
        await tee.Body.WriteAsync(TeeTestData.Html);

        Assert.That(tee.ClientBytes, Is.EqualTo(TeeTestData.Html));
        Assert.That(tee.Finish(out _), Is.EqualTo(TeeResult.NotAnImage));
    }

    [Test]
    public async Task An_unknown_or_stacked_encoding_is_not_teed()
    {
        using var tee = new TeeUnderTest(contentEncoding: "zstd");

        await tee.Body.WriteAsync(TeeTestData.Png);

        Assert.That(tee.Finish(out _), Is.EqualTo(TeeResult.NotAnImage));
    }

    [Test]
    public async Task Bytes_written_through_the_pipe_writer_are_teed()
    {
        using var tee = new TeeUnderTest();

        foreach (var piece in TeeTestData.Split(TeeTestData.Png, 7, 9000))
        {
            await tee.Body.Writer.WriteAsync(piece);
        }

        await tee.Body.CompleteWriterAsync();

        Assert.That(tee.ClientBytes, Is.EqualTo(TeeTestData.Png));
        Assert.That(tee.Finish(out var body), Is.EqualTo(TeeResult.Teed));
        body!.Dispose();
    }

    [Test]
    public async Task A_file_sent_with_send_file_is_teed()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, TeeTestData.Jpeg);
            using var tee = new TeeUnderTest();

            await tee.Body.SendFileAsync(path, 0, null);

            Assert.That(tee.ClientBytes, Is.EqualTo(TeeTestData.Jpeg));
            Assert.That(tee.Finish(out var body), Is.EqualTo(TeeResult.Teed));
            body!.Dispose();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Reading_and_seeking_are_refused()
    {
        using var tee = new TeeUnderTest();

        Assert.That(tee.Body.CanRead, Is.False);
        Assert.That(tee.Body.CanSeek, Is.False);
        Assert.Throws<NotSupportedException>(() => tee.Body.ReadByte());
        Assert.Throws<NotSupportedException>(() => tee.Body.Seek(0, SeekOrigin.Begin));
    }

    private static byte[] Encode(string encoding, byte[] data) => encoding switch
    {
        "gzip" or "x-gzip" => TeeTestData.Gzip(data),
        "deflate" => TeeTestData.Zlib(data),
        "br" => TeeTestData.Brotli(data),
        _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
    };

    /// <summary>A response as the proxy builds it: status and headers set, then the body written through the tee.</summary>
    private sealed class TeeUnderTest : IDisposable
    {
        private readonly Stream _client;

        public TeeUnderTest(
            string method = "GET",
            int status = StatusCodes.Status200OK,
            string? contentType = "image/png",
            long? contentLength = null,
            string? contentEncoding = null,
            long limit = Limit,
            Stream? client = null,
            CancellationToken requestAborted = default)
        {
            _client = client ?? new MemoryStream();
            Context = new DefaultHttpContext { RequestAborted = requestAborted };
            Context.Request.Method = method;
            Context.Response.StatusCode = status;
            Context.Response.ContentType = contentType;
            Context.Response.ContentLength = contentLength;
            if (contentEncoding is not null)
            {
                Context.Response.Headers.ContentEncoding = contentEncoding;
            }

            Body = new ScanTeeBody(Context, new StreamResponseBodyFeature(_client), limit, TimeProvider.System);
        }

        public DefaultHttpContext Context { get; }

        public ScanTeeBody Body { get; }

        public byte[] ClientBytes => ((MemoryStream)_client).ToArray();

        public TeeResult Finish(out PooledBody? body) => Body.Finish(out body);

        public void Dispose()
        {
            Body.Dispose();
            _client.Dispose();
        }
    }

    /// <summary>A client connection that breaks after some bytes.</summary>
    private sealed class FailingStream(int failAfter) : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            Length + buffer.Length > failAfter ? ValueTask.FromException(new IOException("The client went away.")) : base.WriteAsync(buffer, cancellationToken);
    }

    private sealed class ForwarderErrorFeatureStub(ForwarderError error) : IForwarderErrorFeature
    {
        public ForwarderError Error => error;

        public Exception? Exception => null;
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ScanProxy.Scanning.Tee;

/// <summary>
/// Async mode's tee (SPEC §4), shaped like ASP.NET Core's <c>ResponseCachingStream</c>: every write goes to the
/// client first and unchanged, then, while the body may be an image and is under <c>Scanner:MaxObjectBytes</c>,
/// into a <see cref="PooledBody"/> sized from the Content-Length. The first bytes decide whether it is an image;
/// anything else stops being looked at once they have been seen. Past the limit the copy is dropped.
/// </summary>
internal sealed class ScanTeeBody : ResponseBodyWrapper
{
    private readonly Stream _innerStream;
    private readonly long _limit;
    private readonly TimeProvider _time;
    private readonly KnownObjectProbe _known;
    private BodySniffer _sniffer;
    private State _state;
    private ResponseKind _kind;
    private PooledBody? _body;
    private bool _writeFailed;
    private bool _tooLarge;
    private bool _completed;

    /// <param name="context">The request.</param>
    /// <param name="inner">The body feature this one replaces and writes to.</param>
    /// <param name="maxObjectBytes">The most bytes to copy (Scanner:MaxObjectBytes).</param>
    /// <param name="time">The clock for <see cref="FirstServedAt"/>.</param>
    /// <param name="known">
    /// Asked once the status and headers are final: an object judged clean already is neither copied nor left to
    /// fetch. The default copies every image.
    /// </param>
    public ScanTeeBody(HttpContext context, IHttpResponseBodyFeature inner, long maxObjectBytes, TimeProvider time, KnownObjectProbe known = default)
        : base(context, inner)
    {
        _innerStream = inner.Stream;
        _limit = maxObjectBytes;
        _time = time;
        _known = known;
    }

    private enum State
    {
        // The status and headers have not been read yet: they are final only when the body starts.
        Pending,

        // Looking at the first bytes.
        Sniffing,

        // An image under the limit so far: every write is copied.
        Copying,

        // Nothing more to look at.
        Done,
    }

    /// <summary>When the response started going to the client.</summary>
    public DateTimeOffset FirstServedAt { get; private set; }

    public override void DisableBuffering() => Inner.DisableBuffering();

    public override Task StartAsync(CancellationToken cancellationToken = default)
    {
        Inspect();
        return Inner.StartAsync(cancellationToken);
    }

    public override async Task CompleteAsync()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        await CompleteWriterAsync();
        await Inner.CompleteAsync();
    }

    public override void Flush() => _innerStream.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _innerStream.FlushAsync(cancellationToken);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            _innerStream.Write(buffer);
        }
        catch
        {
            _writeFailed = true;
            throw;
        }

        Tee(buffer);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ValueTask write;
        try
        {
            write = _innerStream.WriteAsync(buffer, cancellationToken);
        }
        catch
        {
            _writeFailed = true;
            throw;
        }

        if (write.IsCompletedSuccessfully)
        {
            // Kestrel's writes usually complete at once: no state machine then.
            write.GetAwaiter().GetResult();
            Tee(buffer.Span);
            return ValueTask.CompletedTask;
        }

        return TeeAfterAsync(write, buffer);
    }

    /// <summary>
    /// Called once the response is over: what the scanner should get. <paramref name="body"/> is the complete copy
    /// when the result is <see cref="TeeResult.Teed"/>; the caller then owns it.
    /// </summary>
    public TeeResult Finish(out PooledBody? body)
    {
        body = null;
        Inspect();
        switch (_kind)
        {
            case ResponseKind.Head:
                return ScannableResponse.HasImageContentType(Context.Response) ? TeeResult.Fetch : TeeResult.NotAnImage;

            case ResponseKind.Partial:
                return ScannableResponse.HasImageContentType(Context.Response)
                    || (_sniffer.Finish() == SniffState.Image && ScannableResponse.StartsAtZero(Context.Response))
                    ? TeeResult.Fetch
                    : TeeResult.NotAnImage;

            case ResponseKind.Full:
                return FinishFull(out body);

            default:
                return TeeResult.NotAnImage;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sniffer.Dispose();
            _body?.Dispose();
            _body = null;
        }

        base.Dispose(disposing);
    }

    private TeeResult FinishFull(out PooledBody? body)
    {
        body = null;
        var complete = EndedCleanly(_writeFailed);
        if (_state == State.Sniffing && _sniffer.Finish() == SniffState.Image && complete && !_tooLarge)
        {
            // A body shorter than the sniff needed: all of it is in the prefix.
            _body = new PooledBody(Written, _limit);
            _body.TryAppend(_sniffer.Prefix);
        }

        _state = State.Done;
        if (_sniffer.State != SniffState.Image)
        {
            // A download that ended before its first bytes can still say what it was by its type.
            return !complete && Written == 0 && ScannableResponse.HasImageContentType(Context.Response) ? TeeResult.Fetch : TeeResult.NotAnImage;
        }

        if (_tooLarge)
        {
            return TeeResult.TooLarge;
        }

        if (!complete || _body is null)
        {
            return TeeResult.Fetch;
        }

        body = _body;
        _body = null;
        return TeeResult.Teed;
    }

    private async ValueTask TeeAfterAsync(ValueTask write, ReadOnlyMemory<byte> buffer)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch
        {
            _writeFailed = true;
            throw;
        }

        Tee(buffer.Span);
    }

    private void Inspect()
    {
        if (_state != State.Pending)
        {
            return;
        }

        var response = Context.Response;
        _kind = ScannableResponse.Classify(Context);
        if (_kind != ResponseKind.Ignored)
        {
            FirstServedAt = _time.GetUtcNow();
        }

        // A strong ETag names the whole representation, also in a 206 or a HEAD: a known one says nothing new.
        if (_kind != ResponseKind.Ignored && _known.IsKnownClean(Context))
        {
            _kind = ResponseKind.Ignored;
        }

        if (_kind is ResponseKind.Full or ResponseKind.Partial)
        {
            _sniffer = new BodySniffer(ContentCodings.Parse(response.Headers.ContentEncoding));
            _tooLarge = _kind == ResponseKind.Full && response.ContentLength > _limit;
            _state = State.Sniffing;
        }
        else
        {
            _state = State.Done;
        }
    }

    // The bytes have reached the client (or its connection); now the copy.
    private void Tee(ReadOnlySpan<byte> data)
    {
        Written += data.Length;
        Inspect();
        if (_state == State.Sniffing)
        {
            var sniffed = _sniffer.Append(data, out var consumed);
            if (sniffed == SniffState.Undecided)
            {
                return;
            }

            if (sniffed == SniffState.NotImage || _kind != ResponseKind.Full || _tooLarge)
            {
                // Kept: the kind of image decides what Finish reports; the copy is not needed.
                _sniffer.Dispose();
                _state = State.Done;
                return;
            }

            _body = new PooledBody(Context.Response.ContentLength, _limit);
            _state = State.Copying;
            if (!_body.TryAppend(_sniffer.Prefix))
            {
                DropCopy();
                return;
            }

            _sniffer.Dispose();
            data = data[consumed..];
        }

        if (_state == State.Copying && !_body!.TryAppend(data))
        {
            DropCopy();
        }
    }

    private void DropCopy()
    {
        _tooLarge = true;
        _body?.Dispose();
        _body = null;
        _state = State.Done;
    }
}

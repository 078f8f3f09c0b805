using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using ScanProxy.Scanning.Tee;
using ScanProxy.Zones;

namespace ScanProxy.Scanning.Hold;

/// <summary>
/// Hold mode's body (SPEC §4): nothing reaches the client, not even the headers, until the first bytes show whether
/// the response is an image. Anything else then streams through at once; an image is kept whole (up to
/// <c>Scanner:MaxObjectBytes</c>) for <see cref="ResponseHold"/> to judge and then release or replace.
/// </summary>
internal sealed class HeldResponseBody : ResponseBodyWrapper
{
    private readonly Stream _innerStream;
    private readonly long _limit;
    private readonly HoldFailure _failure;
    private BodySniffer _sniffer;
    private State _state;
    private ResponseKind _kind;
    private PooledBody? _held;
    private bool _completeRequested;

    /// <param name="context">The request.</param>
    /// <param name="inner">The body feature this one replaces.</param>
    /// <param name="maxObjectBytes">The most bytes to hold (Scanner:MaxObjectBytes).</param>
    /// <param name="failure">What to do with an image too large to hold.</param>
    public HeldResponseBody(HttpContext context, IHttpResponseBodyFeature inner, long maxObjectBytes, HoldFailure failure)
        : base(context, inner)
    {
        _innerStream = inner.Stream;
        _limit = maxObjectBytes;
        _failure = failure;
    }

    private enum State
    {
        // The status and headers have not been read yet.
        Pending,

        // Holding everything until the first bytes decide.
        Sniffing,

        // An image: holding all of it.
        Holding,

        // Not held: writes go to the client.
        Passing,

        // An image too large to hold in a zone that fails closed: its bytes are dropped.
        Refused,
    }

    private enum Routing
    {
        Hold,
        Pass,
        ReleaseThenPass,
        Discard,
    }

    /// <summary>True when an image was over Scanner:MaxObjectBytes, so it is not scanned (counted as skipped).</summary>
    public bool TooLarge { get; private set; }

    /// <summary>What kind of response is held.</summary>
    public ResponseKind Kind => _kind;

    public override void DisableBuffering() => Inner.DisableBuffering();

    public override Task StartAsync(CancellationToken cancellationToken = default)
    {
        // Starting sends the headers: only once the response is known not to be held.
        Inspect();
        return _state == State.Passing ? Inner.StartAsync(cancellationToken) : Task.CompletedTask;
    }

    public override async Task CompleteAsync()
    {
        await CompleteWriterAsync();
        if (_state == State.Passing)
        {
            await Inner.CompleteAsync();
        }
        else
        {
            _completeRequested = true;
        }
    }

    public override void Flush()
    {
        if (_state == State.Passing)
        {
            _innerStream.Flush();
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _state == State.Passing ? _innerStream.FlushAsync(cancellationToken) : Task.CompletedTask;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        switch (Route(buffer))
        {
            case Routing.ReleaseThenPass:
                using (var held = TakeHeld())
                {
                    _innerStream.Write(held.Span);
                }

                _innerStream.Write(buffer);
                break;
            case Routing.Pass:
                _innerStream.Write(buffer);
                break;
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        Route(buffer.Span) switch
        {
            Routing.Pass => _innerStream.WriteAsync(buffer, cancellationToken),
            Routing.ReleaseThenPass => ReleaseThenPassAsync(buffer, cancellationToken),
            _ => ValueTask.CompletedTask,
        };

    /// <summary>Called once the proxy is done with the response: what is left to do with it.</summary>
    public HoldResult Finish()
    {
        Inspect();
        switch (_state)
        {
            case State.Passing:
                return HoldResult.Passed;
            case State.Refused:
                return HoldResult.Refused;
        }

        if (!EndedCleanly(writeFailed: false))
        {
            DisposeHeld();
            return HoldResult.Abandoned;
        }

        if (_state == State.Sniffing)
        {
            // The body ended before the sniff could decide: it is shorter than a signature, or all in the prefix.
            if (_sniffer.Finish() != SniffState.Image || !HoldsImage())
            {
                return HoldResult.Release;
            }

            _state = State.Holding;
        }

        return HoldResult.Judge;
    }

    /// <summary>A copy of the held body for the scanner, or null when the response is not the whole object (206, HEAD).</summary>
    public PooledBody? CopyForScanner()
    {
        if (_kind != ResponseKind.Full || _held is not { } held)
        {
            return null;
        }

        var copy = new PooledBody(held.Length, _limit);
        copy.TryAppend(held.Span);
        return copy;
    }

    /// <summary>Sends the held response as the origin sent it. The wrapper must have been taken out of the pipeline.</summary>
    public async Task ReleaseAsync()
    {
        if (_held is not null)
        {
            using var held = TakeHeld();
            await _innerStream.WriteAsync(held.Memory);
        }

        if (_completeRequested)
        {
            await Inner.CompleteAsync();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sniffer.Dispose();
            DisposeHeld();
        }

        base.Dispose(disposing);
    }

    private void Inspect()
    {
        if (_state != State.Pending)
        {
            return;
        }

        var response = Context.Response;
        _kind = ScannableResponse.Classify(Context);
        switch (_kind)
        {
            case ResponseKind.Full:
                _sniffer = new BodySniffer(ContentCodings.Parse(response.Headers.ContentEncoding));
                TooLarge = response.ContentLength > _limit;
                _state = State.Sniffing;
                break;

            case ResponseKind.Partial when !ScannableResponse.HasImageContentType(response):
                _sniffer = new BodySniffer(ContentCodings.Parse(response.Headers.ContentEncoding));
                _state = State.Sniffing;
                break;

            case ResponseKind.Partial or ResponseKind.Head when ScannableResponse.HasImageContentType(response):
                _state = State.Holding;
                break;

            default:
                _state = State.Passing;
                break;
        }
    }

    private Routing Route(ReadOnlySpan<byte> data)
    {
        Written += data.Length;
        Inspect();
        switch (_state)
        {
            case State.Passing:
                return Routing.Pass;

            case State.Refused:
                return Routing.Discard;

            case State.Sniffing:
                var sniffed = _sniffer.Append(data, out _);
                if (sniffed == SniffState.Undecided)
                {
                    return Hold(data);
                }

                _sniffer.Dispose();
                if (sniffed == SniffState.Image && HoldsImage())
                {
                    _state = State.Holding;
                    return TooLarge ? Overflow() : Hold(data);
                }

                _state = State.Passing;
                return _held is null ? Routing.Pass : Routing.ReleaseThenPass;

            default:
                return Hold(data);
        }
    }

    // A 206 is held only when its first bytes are the object's.
    private bool HoldsImage() => _kind == ResponseKind.Full || ScannableResponse.StartsAtZero(Context.Response);

    private Routing Hold(ReadOnlySpan<byte> data)
    {
        _held ??= new PooledBody(TooLarge ? null : Context.Response.ContentLength, _limit);
        return _held.TryAppend(data) ? Routing.Hold : Overflow();
    }

    private Routing Overflow()
    {
        TooLarge = true;
        if (_failure == HoldFailure.FailOpen)
        {
            _state = State.Passing;
            return _held is null ? Routing.Pass : Routing.ReleaseThenPass;
        }

        DisposeHeld();
        _state = State.Refused;
        return Routing.Discard;
    }

    private async ValueTask ReleaseThenPassAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        using (var held = TakeHeld())
        {
            await _innerStream.WriteAsync(held.Memory, cancellationToken);
        }

        await _innerStream.WriteAsync(buffer, cancellationToken);
    }

    private PooledBody TakeHeld()
    {
        var held = _held!;
        _held = null;
        return held;
    }

    private void DisposeHeld()
    {
        _held?.Dispose();
        _held = null;
    }
}

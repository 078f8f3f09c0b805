using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace ScanProxy.Scanning.Tee;

/// <summary>
/// A response body feature that is its own write-only stream and sits in front of the server's, in the manner of
/// ASP.NET Core's <c>StreamResponseBodyFeature</c>: the <see cref="Writer"/> and <see cref="SendFileAsync"/> go
/// through the same writes, so whichever way the pipeline writes, every byte passes here. Installed for one
/// response and removed when it is done.
/// </summary>
internal abstract class ResponseBodyWrapper : Stream, IHttpResponseBodyFeature
{
    private PipeWriter? _writer;
    private bool _writerCompleted;

    protected ResponseBodyWrapper(HttpContext context, IHttpResponseBodyFeature inner)
    {
        Context = context;
        Inner = inner;
    }

    /// <summary>The request whose response this is.</summary>
    protected HttpContext Context { get; }

    /// <summary>The server's body feature, which this one writes to.</summary>
    protected IHttpResponseBodyFeature Inner { get; }

    /// <summary>Wire bytes written to this body so far.</summary>
    protected long Written { get; set; }

    public Stream Stream => this;

    // Created only if someone writes through it: the proxy itself writes to the stream.
    public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public abstract void DisableBuffering();

    public abstract Task StartAsync(CancellationToken cancellationToken = default);

    public abstract Task CompleteAsync();

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(this, path, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public abstract override void Write(ReadOnlySpan<byte> buffer);

    public abstract override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default);

    public override void WriteByte(byte value) => Write([value]);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>
    /// Pushes what the <see cref="Writer"/> still buffers through this body, as the server would at the end of the
    /// response; call it before taking this body out.
    /// </summary>
    public ValueTask CompleteWriterAsync()
    {
        if (_writer is null || _writerCompleted)
        {
            return ValueTask.CompletedTask;
        }

        _writerCompleted = true;
        return _writer.CompleteAsync();
    }

    /// <summary>
    /// True when the whole response came from the origin and, as far as the proxy knows, went to the client: no failed
    /// write, no abort, no proxy error, and as many bytes as the Content-Length said (a HEAD has none).
    /// </summary>
    protected bool EndedCleanly(bool writeFailed) =>
        !writeFailed
        && !Context.RequestAborted.IsCancellationRequested
        && Context.Features.Get<IForwarderErrorFeature>() is null
        && (Context.Response.ContentLength is not { } length || length == Written || HttpMethods.IsHead(Context.Request.Method));
}

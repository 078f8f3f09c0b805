using System.Buffers;
using Microsoft.Extensions.Logging;

namespace ScanProxy.Scanning;

/// <summary>
/// Fetches a whole object from its origin for the scanner, when the proxy could not tee it (a 206, a HEAD, an aborted
/// or over-size download, a deferred scan). The request is marked with <see cref="FetchHeader"/> so that it is never
/// teed again, and the body is read into pooled memory up to the object limit.
/// </summary>
internal sealed partial class OriginFetcher
{
    /// <summary>The named <see cref="HttpClient"/> of these fetches.</summary>
    public const string HttpClientName = "ScanProxy.Scanner.Origin";

    /// <summary>The header marking a fetch made by the scanner (value <c>1</c>).</summary>
    public const string FetchHeader = "X-ScanProxy-Scan-Fetch";

    private const int ChunkSize = 64 * 1024;

    private static readonly ScanOutcome s_tooLarge = new(ScanResult.Skipped, ScanReasons.TooLarge, Blocked: false);
    private static readonly ScanOutcome s_fetchFailed = new(ScanResult.Error, ScanReasons.FetchFailed, Blocked: false);
    private static readonly ScanOutcome s_originStatus = new(ScanResult.Error, ScanReasons.OriginStatus, Blocked: false);

    private readonly IHttpClientFactory _clients;
    private readonly ILogger<OriginFetcher> _logger;

    public OriginFetcher(IHttpClientFactory clients, ILogger<OriginFetcher> logger)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(logger);
        _clients = clients;
        _logger = logger;
    }

    /// <summary>GETs <paramref name="url"/> and reads its body, at most <paramref name="limit"/> bytes.</summary>
    public async Task<OriginFetch> FetchAsync(Uri url, long limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation(FetchHeader, "1");
        var client = _clients.CreateClient(HttpClientName);
        PooledBody? body = null;
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                Log.OriginStatus(_logger, url, (int)response.StatusCode);
                return new OriginFetch(null, null, s_originStatus);
            }

            var headers = response.Content.Headers;
            if (headers.ContentLength > limit)
            {
                return new OriginFetch(null, null, s_tooLarge);
            }

            body = new PooledBody(headers.ContentLength, limit);
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            if (!await ReadAsync(stream, body, cancellationToken))
            {
                return new OriginFetch(null, null, s_tooLarge);
            }

            var encoding = headers.ContentEncoding.Count == 0 ? null : string.Join(", ", headers.ContentEncoding);
            var fetched = new OriginFetch(body, encoding, null);
            body = null;
            return fetched;
        }
        catch (HttpRequestException e)
        {
            Log.FetchFailed(_logger, url, e.Message);
            return new OriginFetch(null, null, s_fetchFailed);
        }
        catch (IOException e)
        {
            // The connection broke in the middle of the body.
            Log.FetchFailed(_logger, url, e.Message);
            return new OriginFetch(null, null, s_fetchFailed);
        }
        finally
        {
            body?.Dispose();
        }
    }

    private static async Task<bool> ReadAsync(Stream stream, PooledBody body, CancellationToken cancellationToken)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk.AsMemory(), cancellationToken)) > 0)
            {
                if (!body.TryAppend(chunk.AsSpan(0, read)))
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Scan fetch of {Url} failed: {Problem}")]
        public static partial void FetchFailed(ILogger logger, Uri url, string problem);

        [LoggerMessage(EventId = 7102, Level = LogLevel.Information, Message = "Scan fetch of {Url} answered {StatusCode}.")]
        public static partial void OriginStatus(ILogger logger, Uri url, int statusCode);
    }
}

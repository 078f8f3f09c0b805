namespace ScanProxy.Admin;

/// <summary>Lets an /api call through only with a configured bearer key; records who made it.</summary>
internal sealed partial class ApiKeyFilter : IEndpointFilter
{
    /// <summary>The <see cref="HttpContext.Items"/> key under which the caller's key fingerprint is kept.</summary>
    public const string ActorItem = "ScanProxy.Admin.Actor";

    private readonly ApiKeyVerifier _verifier;
    private readonly ILogger<ApiKeyFilter> _logger;

    public ApiKeyFilter(ApiKeyVerifier verifier, ILogger<ApiKeyFilter> logger)
    {
        _verifier = verifier;
        _logger = logger;
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        string? authorization = http.Request.Headers.Authorization;
        if (!_verifier.TryVerify(authorization, out var actor))
        {
            if (string.IsNullOrEmpty(authorization))
            {
                Log.MissingKey(_logger, http.Request.Method, http.Request.Path);
            }
            else
            {
                // The presented value is a secret (or a mistyped one): only its fingerprint is logged.
                Log.WrongKey(_logger, http.Request.Method, http.Request.Path, ApiKeyVerifier.Fingerprint(authorization));
            }

            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: "Send 'Authorization: Bearer <key>' with one of ScanProxy:Admin:ApiKeys.");
        }

        http.Items[ActorItem] = actor;
        return await next(context);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Admin API call {Method} {Path} refused: no API key.")]
        public static partial void MissingKey(ILogger logger, string method, PathString path);

        [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Admin API call {Method} {Path} refused: unknown API key {KeyFingerprint}.")]
        public static partial void WrongKey(ILogger logger, string method, PathString path, string keyFingerprint);
    }
}

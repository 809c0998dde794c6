using System.Data.Common;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Hosting;

/// <summary>
/// While the database (or Redis, when the rate counters live there) cannot be reached (connection refused or dropped, timeouts, an engine shutting down), requests
/// that need it answer 503 with <c>Retry-After</c> instead of a 500: a Spanish/English page for people, an OAuth
/// <c>temporarily_unavailable</c> error for apps. Nothing is kept in the node, so service resumes by itself once the
/// connection pool reaches the database again. <c>/health/ready</c> reports the same condition to the proxy.
/// </summary>
internal sealed class DatabaseOutageGuard(RequestDelegate next, IStringLocalizer<SharedResource> text, ILogger<DatabaseOutageGuard> logger)
{
    /// <summary>What <c>Retry-After</c> asks clients to wait.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (IsOutage(exception) && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            logger.LogWarning("The database is unavailable; answered 503 to {Path}: {Error}", context.Request.Path, Describe(exception));
            await BadRequestGuard.WriteAsync(
                context, StatusCodes.Status503ServiceUnavailable, text, "OutageDatabaseUnavailable",
                "temporarily_unavailable", "The service is temporarily unavailable; try again later.", RetryAfter);
        }
    }

    /// <summary>Whether the exception (or one it wraps) says the database or Redis cannot be reached right now.</summary>
    public static bool IsOutage(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException { IsTransient: true } or TimeoutException or SocketException or RetryLimitExceededException or StackExchange.Redis.RedisConnectionException)
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(Exception exception)
    {
        var innermost = exception;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return exception.GetType().Name + " / " + innermost.GetType().Name + ": " + innermost.Message;
    }
}

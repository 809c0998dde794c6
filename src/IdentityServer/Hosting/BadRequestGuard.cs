using System.Text;

namespace Iess.Identity.Hosting;

/// <summary>
/// Turns malformed requests that surface as exceptions (bad form bodies, invalid encodings, oversize input) into a
/// plain 400 instead of a 500; nothing has been written when these are thrown.
/// </summary>
internal sealed class BadRequestGuard(RequestDelegate next, ILogger<BadRequestGuard> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (IsBadInput(exception) && !context.Response.HasStarted)
        {
            logger.LogInformation("Rejected a malformed request to {Path}: {Error}", context.Request.Path, exception.GetType().Name);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("Solicitud no válida. / Bad request.");
        }
    }

    private static bool IsBadInput(Exception exception) => exception switch
    {
        BadHttpRequestException => true,
        InvalidDataException => true,
        DecoderFallbackException => true,
        IOException { InnerException: BadHttpRequestException } => true,
        _ => exception.InnerException is { } inner && IsBadInput(inner),
    };
}

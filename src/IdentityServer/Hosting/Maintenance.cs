using System.Globalization;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Hosting;

/// <summary>
/// A maintenance window an operator announces, bound from <c>Iess:Maintenance</c> and re-read when the configuration
/// file changes (no restart). Both <see cref="Start"/> and <see cref="End"/> are needed; a window that ends before it
/// starts is ignored.
/// </summary>
public sealed class MaintenanceOptions
{
    public const string Section = "Iess:Maintenance";

    /// <summary>When sign-in and recovery stop (an instant with its offset, e.g. <c>2026-12-05T22:00:00-05:00</c>).</summary>
    public DateTimeOffset? Start { get; set; }

    /// <summary>When they are back.</summary>
    public DateTimeOffset? End { get; set; }

    /// <summary>An optional sentence from the operator, shown after the announcement.</summary>
    public string? Message { get; set; }

    /// <summary>How long before the window pages announce it.</summary>
    public TimeSpan AnnounceBefore { get; set; } = TimeSpan.FromHours(48);
}

/// <summary>Whether a maintenance window is coming or under way, with its times as Ecuador reads them.</summary>
public sealed class MaintenanceSchedule(IOptionsMonitor<MaintenanceOptions> options, TimeProvider time)
{
    /// <summary>Ecuador's time zone (UTC−5 all year; the fixed offset is used if the system has no time-zone data).</summary>
    public static readonly TimeZoneInfo Ecuador = FindEcuador();

    public enum Phase
    {
        None,
        Announced,
        Underway,
    }

    public Phase Current(out DateTimeOffset start, out DateTimeOffset end)
    {
        var window = options.CurrentValue;
        start = window.Start ?? default;
        end = window.End ?? default;
        var now = time.GetUtcNow();
        if (window.Start is null || window.End is null || end <= start || now >= end)
        {
            return Phase.None;
        }

        return now >= start ? Phase.Underway : now >= start - window.AnnounceBefore ? Phase.Announced : Phase.None;
    }

    public string? OperatorMessage => options.CurrentValue.Message;

    /// <summary>Seconds until the window ends, for <c>Retry-After</c>.</summary>
    public long SecondsUntil(DateTimeOffset end) => Math.Max(1, (long)Math.Ceiling((end - time.GetUtcNow()).TotalSeconds));

    /// <summary>An instant in Ecuador time in the reader's language, e.g. "sábado, 5 de diciembre de 2026, 22:00".</summary>
    public static string EcuadorTime(DateTimeOffset instant, CultureInfo culture)
    {
        var local = TimeZoneInfo.ConvertTime(instant, Ecuador);
        return local.ToString("D", culture) + ", " + local.ToString("HH:mm", culture);
    }

    private static TimeZoneInfo FindEcuador()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("America/Guayaquil");
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("America/Guayaquil", TimeSpan.FromHours(-5), "Ecuador", "ECT");
        }
    }
}

/// <summary>
/// During a maintenance window the pages where people sign in, recover or change their account answer 503 with
/// <c>Retry-After</c> (the error page says when service returns); an authorization request that needs a sign-in ends
/// there too. Protocol endpoints that apps call without a person (discovery, JWKS, token, introspection, revocation,
/// userinfo), sign-out, health checks and the admin API keep working.
/// </summary>
public sealed class MaintenanceGate(RequestDelegate next, MaintenanceSchedule schedule)
{
    private static readonly string[] InteractivePaths = ["/Login", "/Recovery", "/Activate", "/Employer", "/Profile", "/Connect/Consent"];

    public Task InvokeAsync(HttpContext http)
    {
        if (InteractivePaths.Any(p => http.Request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase))
            && schedule.Current(out _, out var end) == MaintenanceSchedule.Phase.Underway)
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.Headers.RetryAfter = schedule.SecondsUntil(end).ToString(CultureInfo.InvariantCulture);
            http.Response.Headers.CacheControl = "no-store";
            return Task.CompletedTask;
        }

        return next(http);
    }
}

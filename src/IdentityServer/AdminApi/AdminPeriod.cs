using System.Globalization;

namespace Iess.Identity.AdminApi;

/// <summary>A time window [From, To) read from the <c>from</c> and <c>to</c> query parameters (ISO 8601).</summary>
public sealed record AdminPeriod(DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>The longest window a query may cover, so one request cannot scan years of rows.</summary>
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(366);

    /// <summary>
    /// Reads the period; <c>to</c> defaults to now and <c>from</c> to <paramref name="defaultSpan"/> before it.
    /// Null with a 400 problem when a value is malformed, <c>from</c> is not before <c>to</c>, or the span is too long.
    /// </summary>
    public static AdminPeriod? Read(HttpContext http, TimeSpan defaultSpan, DateTimeOffset now, out IResult? problem)
    {
        problem = null;
        if (!TryRead(http, "to", out var to) || !TryRead(http, "from", out var from))
        {
            problem = AdminProblems.Invalid("period", "Use fechas ISO 8601, p. ej. 2026-03-01 o 2026-03-01T08:00:00Z / Use ISO 8601 dates");
            return null;
        }

        var end = to ?? now;
        var start = from ?? end - defaultSpan;
        if (start >= end || end - start > MaxSpan)
        {
            problem = AdminProblems.Invalid("period", $"El inicio debe ser anterior al fin y el periodo de hasta {MaxSpan.TotalDays:0} días / from must be before to, at most {MaxSpan.TotalDays:0} days apart");
            return null;
        }

        return new AdminPeriod(start, end);
    }

    private static bool TryRead(HttpContext http, string name, out DateTimeOffset? value)
    {
        value = null;
        if (!http.Request.Query.TryGetValue(name, out var raw))
        {
            return true;
        }

        if (raw.Count != 1 || raw[0] is not { Length: > 0 and <= 40 } text ||
            !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed) ||
            parsed.Year is < 2000 or > 9000)
        {
            return false;
        }

        value = parsed;
        return true;
    }
}

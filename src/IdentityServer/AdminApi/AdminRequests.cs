using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace Iess.Identity.AdminApi;

/// <summary>One page of a list, with the total so the console can show "1–20 de 143".</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, int Total);

/// <summary>Checks shared by every admin endpoint: paging, the reason every change needs, and versions (ETags).</summary>
public static class AdminRequests
{
    public const int MaxPageSize = 100;

    /// <summary>Reads <c>page</c> (1-based) and <c>pageSize</c> (1..100, default 20); null with the problem when they are wrong.</summary>
    public static (int Page, int Size)? Paging(HttpContext http, out IResult? problem)
    {
        problem = null;
        var query = http.Request.Query;
        var page = 1;
        var size = 20;
        if (query.TryGetValue("page", out var p) && (p.Count != 1 || !int.TryParse(p[0], NumberStyles.None, CultureInfo.InvariantCulture, out page) || page < 1 || page > 100_000))
        {
            problem = AdminProblems.Invalid("page", "La página debe ser un número desde 1 / page must be a number from 1");
            return null;
        }

        if (query.TryGetValue("pageSize", out var s) && (s.Count != 1 || !int.TryParse(s[0], NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > MaxPageSize))
        {
            problem = AdminProblems.Invalid("pageSize", $"El tamaño de página va de 1 a {MaxPageSize} / pageSize must be 1..{MaxPageSize}");
            return null;
        }

        return (page, size);
    }

    /// <summary>
    /// Every change carries a reason an auditor can read later: 10..500 characters, no control characters.
    /// Returns the trimmed reason, or null with the problem.
    /// </summary>
    public static string? Reason(string? reason, out IResult? problem)
    {
        problem = null;
        var trimmed = reason?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length < 10 || trimmed.Length > 500 || trimmed.Any(char.IsControl))
        {
            problem = AdminProblems.Invalid("reason", "Indique el motivo del cambio (10 a 500 caracteres) / Give the reason for the change (10 to 500 characters)");
            return null;
        }

        return trimmed;
    }

    /// <summary>The version a change is based on, from <c>If-Match</c> (one strong ETag); null with 428/400 when missing or malformed.</summary>
    public static string? IfMatch(HttpContext http, out IResult? problem)
    {
        problem = null;
        var values = http.Request.Headers.IfMatch;
        if (values.Count == 0)
        {
            problem = AdminProblems.VersionRequired();
            return null;
        }

        if (values.Count != 1 || !EntityTagHeaderValue.TryParse(values[0], out var tag) || tag.IsWeak || tag.Tag.Length < 3)
        {
            problem = AdminProblems.Invalid("If-Match", "Versión no válida / Malformed If-Match");
            return null;
        }

        return tag.Tag.Value![1..^1];
    }

    /// <summary>Sets the <c>ETag</c> header for a resource's version (e.g. the account's concurrency stamp).</summary>
    public static void SetVersion(HttpContext http, string version) =>
        http.Response.Headers.ETag = new EntityTagHeaderValue($"\"{version}\"").ToString();
}

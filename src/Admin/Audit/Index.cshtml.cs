using Iess.Admin.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace Iess.Admin.Audit;

/// <summary>One audit event as the admin API returns it.</summary>
public sealed record AuditEntry(long Sequence, DateTimeOffset OccurredAt, string Type, string Outcome, string? Subject, string? Actor, string? IpAddress, string? Detail);

/// <summary>Whether the hash chain verifies, and where it first breaks.</summary>
public sealed record AuditChain(bool Intact, long Events, long? FirstBroken);

/// <summary>A page of events with the chain's state.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, int PageNumber, int PageSize, int Total, DateTimeOffset From, DateTimeOffset To, AuditChain Chain);

/// <summary>The audit log filtered by account, officer, event type and period (supervisors and administrators).</summary>
[Authorize(Roles = OfficerRoles.Administrator + "," + OfficerRoles.Supervisor)]
public sealed class IndexModel(AdminApiClient api) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Subject { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Type { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public AuditPage? Result { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync()
    {
        var query = new Dictionary<string, string?>
        {
            ["subject"] = Subject,
            ["actor"] = Actor,
            ["type"] = Type,
            ["from"] = From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            // "to" is inclusive on the page: the whole chosen day.
            ["to"] = To?.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["page"] = Math.Max(1, PageNumber).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["pageSize"] = "50",
        };
        var path = QueryHelpers.AddQueryString("audit", query.Where(q => !string.IsNullOrWhiteSpace(q.Value)));
        var result = await api.GetAsync<AuditPage>(path, HttpContext.RequestAborted);
        Result = result.Value;
        if (!result.Ok)
        {
            Error = result.Problem?.Title + " " + string.Join(" ", result.Problem?.Errors.Values.SelectMany(m => m) ?? []);
        }
    }

    /// <summary>The link to another page of the same search.</summary>
    public string PageLink(int page) => QueryHelpers.AddQueryString("/Audit", new Dictionary<string, string?>
    {
        ["Subject"] = Subject, ["Actor"] = Actor, ["Type"] = Type,
        ["From"] = From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["To"] = To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["p"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.Where(q => !string.IsNullOrWhiteSpace(q.Value)));
}

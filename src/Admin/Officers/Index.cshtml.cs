using Iess.Admin.Clients;
using Iess.Admin.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iess.Admin.Officers;

/// <summary>An officer and the console roles it holds, as the admin API returns them.</summary>
public sealed record OfficerView(string Id, string IessId, string DisplayName, string? Email, IReadOnlyList<string> Roles, bool TwoFactorEnabled, bool LockedOut, string Version);

/// <summary>Officers and their roles; an administrator changes them with a reason (the API refuses removing one's own administrator role).</summary>
[Authorize(Roles = OfficerRoles.Administrator)]
public sealed class IndexModel(AdminApiClient api) : PageModel
{
    public IReadOnlyList<OfficerView> Officers { get; private set; } = [];

    public string? Error { get; private set; }

    public string? Notice { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostRolesAsync(string? id, string? version, List<string>? roles, string? reason)
    {
        var result = await api.SendAsync<OfficerView>(HttpMethod.Put, $"officers/{Uri.EscapeDataString(id ?? "")}/roles", new { roles = roles ?? [], reason }, version, HttpContext.RequestAborted);
        if (result.Ok)
        {
            Notice = "OfficersSaved";
        }
        else
        {
            Error = result.Problem?.Title;
            if (result.Problem?.Errors.Values.SelectMany(m => m).FirstOrDefault() is { } detail)
            {
                Error += " " + detail;
            }
        }

        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        var result = await api.GetAsync<ApiPage<OfficerView>>("officers?pageSize=100", HttpContext.RequestAborted);
        Officers = result.Value?.Items ?? [];
        Error ??= result.Ok ? null : result.Problem?.Title;
    }
}

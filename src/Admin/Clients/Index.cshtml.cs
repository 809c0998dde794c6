using Iess.Admin.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iess.Admin.Clients;

/// <summary>The OIDC clients of IESS apps; configuration-declared ones are marked read-only.</summary>
[Authorize(Roles = OfficerRoles.Administrator)]
public sealed class IndexModel(AdminApiClient api) : PageModel
{
    public IReadOnlyList<ClientView> Clients { get; private set; } = [];

    public string? Error { get; private set; }

    public async Task OnGetAsync()
    {
        var result = await api.GetAsync<ApiPage<ClientView>>("clients?pageSize=100", HttpContext.RequestAborted);
        Clients = result.Value?.Items ?? [];
        Error = result.Ok ? null : result.Problem?.Title;
    }
}

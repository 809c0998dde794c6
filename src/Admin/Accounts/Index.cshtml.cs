using Iess.Admin.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Iess.Admin.Accounts;

/// <summary>Find an account by cédula, RUC (and branch), email or names.</summary>
public sealed class IndexModel(AdminApiClient api, IStringLocalizer<AdminText> text, ILogger<IndexModel> logger) : AccountPageModel(logger)
{
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    public ApiPage<AccountRow>? Results { get; private set; }

    public int LastPage => Results is null ? 1 : Math.Max(1, (Results.Total + Results.PageSize - 1) / Results.PageSize);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Query))
        {
            return Page();
        }

        PageNumber = Math.Clamp(PageNumber, 1, 100_000);
        var path = $"accounts?q={Uri.EscapeDataString(Query)}&page={PageNumber}&pageSize=20";
        var result = await CallAsync(() => api.GetAsync<ApiPage<AccountRow>>(path, cancellationToken), text["AccountsApiFailed"]);
        if (result is null)
        {
            return Page();
        }

        if (SignInAgainIfNeeded(result, Request.Path + Request.QueryString) is { } again)
        {
            return again;
        }

        if (result.Ok)
        {
            Results = result.Value;
        }
        else
        {
            Error = result.Problem?.Errors.Values.SelectMany(m => m).FirstOrDefault() ?? result.Problem?.Title ?? text["AccountsApiFailed"];
        }

        return Page();
    }
}

using System.Net;
using System.Text.Json;
using Iess.Admin.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Iess.Admin.Accounts;

/// <summary>
/// An account's status and the changes the officer's role allows. Every change posts the reason and the version
/// the officer saw; the API decides (roles, validation, concurrency) and the page shows its answer in Spanish.
/// </summary>
public sealed class DetailModel(AdminApiClient api, IStringLocalizer<AdminText> text, ILogger<DetailModel> logger) : AccountPageModel(logger)
{
    /// <summary>The changes the page can ask for, with the API path of each.</summary>
    public static readonly IReadOnlyDictionary<string, string> Actions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["unlock"] = "unlock",
        ["resend"] = "resend-verification",
        ["unlock-recovery"] = "unlock-recovery",
        ["reset-profile"] = "reset-security-profile",
        ["official-update"] = "official-update",
        ["representative"] = "legal-representative",
        ["revoke"] = "revoke-sessions",
    };

    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = "";

    [BindProperty]
    public string? Act { get; set; }

    [BindProperty]
    public string? Version { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public string? Channel { get; set; }

    [BindProperty]
    public string? NewEmail { get; set; }

    [BindProperty]
    public string? NewPhone { get; set; }

    [BindProperty]
    public string? DocumentType { get; set; }

    [BindProperty]
    public string? DocumentNumber { get; set; }

    [BindProperty]
    public string? ServiceCentre { get; set; }

    [BindProperty]
    public string? RepresentativeCedula { get; set; }

    [BindProperty]
    public string? RepresentativeName { get; set; }

    public AccountView? Account { get; private set; }

    public string? Notice { get; private set; }

    /// <summary>The API's field errors for the action that failed (<see cref="Act"/>).</summary>
    public IReadOnlyDictionary<string, string[]> FieldErrors { get; private set; } = new Dictionary<string, string[]>();

    private string Here => "/Accounts/" + Uri.EscapeDataString(Id);

    public string? FieldError(string act, string field) =>
        act == Act && FieldErrors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var load = await LoadAsync(cancellationToken);
        return load ?? Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (Act is null || !Actions.TryGetValue(Act, out var path))
        {
            Error = text["AccountsUnknownAction"];
            return await LoadAsync(cancellationToken) ?? Page();
        }

        var result = await CallAsync(() => api.SendAsync<AccountView>(HttpMethod.Post, $"accounts/{Uri.EscapeDataString(Id)}/{path}", Body(), Version ?? "", cancellationToken), text["AccountsApiFailed"]);
        if (result is null)
        {
            return await LoadAsync(cancellationToken) ?? Page();
        }

        if (SignInAgainIfNeeded(result, Here) is { } again)
        {
            return again;
        }

        switch (result.Status)
        {
            case HttpStatusCode.OK:
                Account = result.Value;
                Notice = text["AccountsDone_" + Act];
                ClearInputs();
                return Page();
            case HttpStatusCode.Conflict when result.Problem?.Current is { } current:
                Account = current.Deserialize<AccountView>(AdminApiClient.Json);
                Error = text["AccountsConflict"];
                return Page();
            case HttpStatusCode.NotFound:
                return NotFound();
            case HttpStatusCode.Forbidden:
                Error = text["AccountsForbidden"];
                break;
            case HttpStatusCode.BadRequest or HttpStatusCode.PreconditionRequired:
                FieldErrors = result.Problem?.Errors ?? new Dictionary<string, string[]>();
                Error = text["AccountsFixErrors"];
                break;
            default:
                Error = text["AccountsApiFailed"];
                break;
        }

        return await LoadAsync(cancellationToken, keepVersion: false) ?? Page();
    }

    private object Body() => Act switch
    {
        "resend" => new { reason = Reason, channel = string.IsNullOrEmpty(Channel) ? null : Channel },
        "official-update" => new
        {
            reason = Reason,
            email = string.IsNullOrWhiteSpace(NewEmail) ? null : NewEmail,
            phone = string.IsNullOrWhiteSpace(NewPhone) ? null : NewPhone,
            evidence = new { documentType = DocumentType, documentNumber = DocumentNumber, serviceCentre = ServiceCentre },
        },
        "representative" => new { reason = Reason, cedula = RepresentativeCedula, name = RepresentativeName },
        _ => new { reason = Reason },
    };

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken, bool keepVersion = false)
    {
        var result = await CallAsync(() => api.GetAsync<AccountView>($"accounts/{Uri.EscapeDataString(Id)}", cancellationToken), text["AccountsApiFailed"]);
        if (result is null)
        {
            return null;
        }

        if (SignInAgainIfNeeded(result, Here) is { } again)
        {
            return again;
        }

        if (result.Status == HttpStatusCode.NotFound)
        {
            return NotFound();
        }

        if (!result.Ok)
        {
            Error ??= text["AccountsApiFailed"];
            return null;
        }

        Account = result.Value;
        if (!keepVersion)
        {
            Version = Account?.Version;
        }

        return null;
    }

    private void ClearInputs()
    {
        foreach (var key in ModelState.Keys.ToList())
        {
            ModelState.Remove(key);
        }

        Reason = Channel = NewEmail = NewPhone = DocumentType = DocumentNumber = ServiceCentre = RepresentativeCedula = RepresentativeName = null;
        Version = Account?.Version;
    }
}

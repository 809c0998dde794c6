using System.Text.Json;
using Iess.Admin.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iess.Admin.Clients;

/// <summary>Create or edit a client, rotate its secret (shown once, on this answer only) or disable it.</summary>
[Authorize(Roles = OfficerRoles.Administrator)]
public sealed class EditModel(AdminApiClient api) : PageModel
{
    public static readonly string[] Scopes = ["openid", "profile", "email", "phone", "offline_access", "iess.identity"];

    [BindProperty(SupportsGet = true)]
    public string? Id { get; set; }

    [BindProperty]
    public string? Version { get; set; }

    [BindProperty]
    public string? ClientId { get; set; }

    [BindProperty]
    public string? DisplayName { get; set; }

    [BindProperty]
    public string Type { get; set; } = "confidential";

    [BindProperty]
    public string ConsentType { get; set; } = "implicit";

    [BindProperty]
    public string? RedirectUris { get; set; }

    [BindProperty]
    public string? PostLogoutRedirectUris { get; set; }

    [BindProperty]
    public List<string> SelectedScopes { get; set; } = ["openid", "profile"];

    [BindProperty]
    public string? Reason { get; set; }

    public ClientView? Client { get; private set; }

    /// <summary>A new secret, shown on this answer only.</summary>
    public string? NewSecret { get; private set; }

    public string? Error { get; private set; }

    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (Id is null)
        {
            return Page();
        }

        return await LoadAsync() ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostSaveAsync()
    {
        var body = new
        {
            clientId = ClientId,
            displayName = DisplayName,
            type = Type,
            consentType = ConsentType,
            redirectUris = Lines(RedirectUris),
            postLogoutRedirectUris = Lines(PostLogoutRedirectUris),
            scopes = SelectedScopes,
            reason = Reason,
        };
        var result = Id is null
            ? await api.SendAsync<ClientChange>(HttpMethod.Post, "clients", body, null, HttpContext.RequestAborted)
            : await api.SendAsync<ClientChange>(HttpMethod.Put, $"clients/{Uri.EscapeDataString(Id)}", body, Version, HttpContext.RequestAborted);
        return await ShowAsync(result, "ClientsSaved");
    }

    public async Task<IActionResult> OnPostRotateAsync() =>
        await ShowAsync(await api.SendAsync<ClientChange>(HttpMethod.Post, $"clients/{Uri.EscapeDataString(Id ?? "")}/secret", new { reason = Reason }, Version, HttpContext.RequestAborted), "ClientsRotated");

    public async Task<IActionResult> OnPostDisableAsync() =>
        await ShowAsync(await api.SendAsync<ClientChange>(HttpMethod.Post, $"clients/{Uri.EscapeDataString(Id ?? "")}/disable", new { reason = Reason }, Version, HttpContext.RequestAborted), "ClientsDisabledNotice");

    private async Task<IActionResult> ShowAsync(ApiResult<ClientChange> result, string notice)
    {
        if (result.Ok && result.Value is { } change)
        {
            Fill(change.Client);
            NewSecret = change.ClientSecret;
            Notice = notice;
            Reason = null;
            ModelState.Clear();
            return Page();
        }

        Error = result.Problem?.Title;
        Errors = result.Problem?.Errors ?? new Dictionary<string, string[]>();
        if (Id is not null && result.Problem?.Current is { } current && current.Deserialize<ClientView>(AdminApiClient.Json) is { } now)
        {
            // Someone changed the client meanwhile: show its state now, so the officer decides again on it.
            Fill(now);
            ModelState.Clear();
        }
        else if (Id is not null)
        {
            Client = (await api.GetAsync<ClientView>($"clients/{Uri.EscapeDataString(Id)}", HttpContext.RequestAborted)).Value;
        }

        return Page();
    }

    private async Task<bool> LoadAsync()
    {
        var result = await api.GetAsync<ClientView>($"clients/{Uri.EscapeDataString(Id!)}", HttpContext.RequestAborted);
        if (result.Value is null)
        {
            return false;
        }

        Fill(result.Value);
        return true;
    }

    private void Fill(ClientView client)
    {
        Client = client;
        Id = client.ClientId;
        Version = client.Version;
        ClientId = client.ClientId;
        DisplayName = client.DisplayName;
        Type = client.Type;
        ConsentType = client.ConsentType;
        RedirectUris = string.Join('\n', client.RedirectUris);
        PostLogoutRedirectUris = string.Join('\n', client.PostLogoutRedirectUris);
        SelectedScopes = [.. client.Scopes];
    }

    private static List<string> Lines(string? text) =>
        [.. (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}

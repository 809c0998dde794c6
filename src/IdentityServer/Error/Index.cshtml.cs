using Iess.Identity.Hosting;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Error;

/// <summary>
/// The one error page: a plain Spanish message for the status code, plus the OAuth error when OpenIddict refused a
/// request it could not send back to the app (an unregistered redirect_uri, an unknown client).
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class IndexModel(IStringLocalizer<SharedResource> text, MaintenanceSchedule maintenance) : PageModel
{
    public string Message { get; private set; } = "";

    public string? ProtocolError { get; private set; }

    /// <summary>The operator's note about a maintenance window under way.</summary>
    public string? OperatorMessage { get; private set; }

    public void OnGet(int? code) => Describe(code);

    public void OnPost(int? code) => Describe(code);

    // Re-executed with the failed request's method: a refused PUT, DELETE or PATCH still gets its message.
    public void OnPut(int? code) => Describe(code);

    public void OnDelete(int? code) => Describe(code);

    public void OnPatch(int? code) => Describe(code);

    // Without it a refused OPTIONS request (404, 405) would end as an empty 200.
    public void OnOptions(int? code) => Describe(code);

    private void Describe(int? code)
    {
        // Opened directly without an error code (or with one that is no error): there is no such page.
        code = code is >= 400 and < 600 ? code : StatusCodes.Status404NotFound;
        var response = HttpContext.GetOpenIddictServerResponse();
        ProtocolError = response?.Error;
        Message = code switch
        {
            400 when ProtocolError is not null => text["ErrorProtocol"],
            400 => text["ErrorBadRequest"],
            403 => text["ErrorForbidden"],
            404 => text["ErrorNotFound"],
            405 => text["ErrorBadRequest"],
            503 => text["ErrorUnavailable"],
            _ => text["ErrorUnexpected"],
        };
        if (code == 503 && maintenance.Current(out _, out var end) == MaintenanceSchedule.Phase.Underway)
        {
            Message = text["MaintenanceUnderway", MaintenanceSchedule.EcuadorTime(end, System.Globalization.CultureInfo.CurrentUICulture)];
            OperatorMessage = maintenance.OperatorMessage;
        }

        Response.StatusCode = code.Value;
    }
}

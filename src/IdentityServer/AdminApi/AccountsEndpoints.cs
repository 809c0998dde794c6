using System.Text.Json;
using Iess.Identity.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Iess.Identity.AdminApi;

/// <summary>
/// <c>/api/admin/accounts</c>: search and status for helpdesk; changes with a reason, <c>If-Match</c> and an audit
/// event, the stronger ones for supervisors only. Bodies are read here rather than bound, so malformed JSON gets a
/// problem like any other bad input.
/// </summary>
public static class AccountsEndpoints
{
    private const int MaxBodyBytes = 16 * 1024;

    private static readonly string[] DocumentTypes = ["cedula", "passport", "other"];

    public static IServiceCollection AddAdminAccounts(this IServiceCollection services)
    {
        services.AddOptions<AdminAccountsOptions>().BindConfiguration(AdminAccountsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services.AddScoped<AdminAccounts>();
    }

    public static RouteGroupBuilder MapAccountsEndpoints(this RouteGroupBuilder api)
    {
        var accounts = api.MapGroup("/accounts");
        accounts.MapGet("", SearchAsync);
        accounts.MapGet("/{id}", GetAsync);
        accounts.MapPost("/{id}/unlock", (string id, HttpContext http, AdminAccounts service) =>
            ChangeAsync<ReasonRequest>(http, service, id, (b, _) => { }, (user, body, reason, officer) => service.UnlockAsync(user, reason, officer, http)));
        accounts.MapPost("/{id}/resend-verification", (string id, HttpContext http, AdminAccounts service) =>
            ChangeAsync<ResendVerificationRequest>(http, service, id, (b, _) => { }, (user, body, reason, officer) => service.ResendVerificationAsync(user, body.Channel, reason, officer, http)));

        accounts.MapPost("/{id}/unlock-recovery", (string id, HttpContext http, AdminAccounts service) =>
            ChangeAsync<ReasonRequest>(http, service, id, (b, _) => { }, (user, body, reason, officer) => service.UnlockRecoveryAsync(user, reason, officer, http)))
            .RequireAuthorization(AdminApiExtensions.SupervisorPolicy);
        accounts.MapPost("/{id}/reset-security-profile", (string id, HttpContext http, AdminAccounts service) =>
            ChangeAsync<ReasonRequest>(http, service, id, (b, _) => { }, (user, body, reason, officer) => service.ResetSecurityProfileAsync(user, reason, officer, http)))
            .RequireAuthorization(AdminApiExtensions.SupervisorPolicy);
        accounts.MapPost("/{id}/revoke-sessions", (string id, HttpContext http, AdminAccounts service) =>
            ChangeAsync<ReasonRequest>(http, service, id, (b, _) => { }, (user, body, reason, officer) => service.RevokeSessionsAsync(user, reason, officer, http)))
            .RequireAuthorization(AdminApiExtensions.SupervisorPolicy);
        accounts.MapPost("/{id}/legal-representative", (string id, HttpContext http, AdminAccounts service) =>
            ChangeAsync<LegalRepresentativeRequest>(http, service, id, ValidateRepresentative,
                (user, body, reason, officer) => service.ChangeLegalRepresentativeAsync(user, body.Cedula, body.Name, reason, officer, http)))
            .RequireAuthorization(AdminApiExtensions.SupervisorPolicy);
        accounts.MapPost("/{id}/official-update", (string id, HttpContext http, AdminAccounts service) =>
            ChangeAsync<OfficialUpdateRequest>(http, service, id, ValidateOfficialUpdate, (user, body, reason, officer) =>
            {
                if (body.Evidence is { DocumentType: "cedula" } evidence && !MatchesHolder(user, evidence.DocumentNumber))
                {
                    return Task.FromResult(ChangeOutcome.Invalid("evidence.documentNumber",
                        "La cédula presentada no es la del titular de la cuenta (o del representante legal) / The cédula shown is not the account holder's (or legal representative's)"));
                }

                ContactData.TryNormalizeEmail(body.Email, out var email);
                ContactData.TryNormalizePhone(body.Phone, out var phone);
                var e = body.Evidence!;
                return service.OfficialUpdateAsync(user, string.IsNullOrWhiteSpace(body.Email) ? null : email, string.IsNullOrWhiteSpace(body.Phone) ? null : phone,
                    new Evidence(e.DocumentType!, e.DocumentNumber!.Trim(), e.ServiceCentre!.Trim()), reason, officer, http);
            }))
            .RequireAuthorization(AdminApiExtensions.SupervisorPolicy);
        return api;
    }

    private static async Task<IResult> SearchAsync(HttpContext http, AdminAccounts service)
    {
        if (AdminRequests.Paging(http, out var problem) is not { } paging)
        {
            return problem!;
        }

        var query = http.Request.Query["q"];
        string? invalidMessage = null;
        var page = query.Count == 1
            ? await service.SearchAsync(query[0], paging.Page, paging.Size, (_, message) => invalidMessage = message)
            : null;
        return page is null
            ? AdminProblems.Invalid("q", invalidMessage ?? "Escriba qué buscar (1 a 100 caracteres) / Enter a search of 1 to 100 characters")
            : TypedResults.Ok(page);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, AdminAccounts service)
    {
        if (await service.FindAsync(id) is not { } user)
        {
            return AdminProblems.NotFound();
        }

        var status = await service.StatusAsync(user);
        AdminRequests.SetVersion(http, status.Version);
        return TypedResults.Ok(status);
    }

    /// <summary>
    /// Every change: body and reason checked (400 with every field error), version required (428), account found
    /// (404), version current (409 with the state now), the change, then the new state and its ETag.
    /// </summary>
    private static async Task<IResult> ChangeAsync<TBody>(
        HttpContext http,
        AdminAccounts service,
        string id,
        Action<TBody, Dictionary<string, string[]>> validate,
        Func<Accounts.IessUser, TBody, string, Officer, Task<ChangeOutcome>> change)
        where TBody : class, IReasoned
    {
        var (body, malformed) = await ReadAsync<TBody>(http);
        if (malformed is not null)
        {
            return malformed;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var reason = AdminRequests.Reason(body?.Reason, out var reasonProblem);
        if (reasonProblem is ProblemHttpResult { ProblemDetails: HttpValidationProblemDetails details })
        {
            foreach (var (field, messages) in details.Errors)
            {
                errors[field] = messages;
            }
        }

        if (body is not null)
        {
            validate(body, errors);
        }

        if (errors.Count > 0)
        {
            return AdminProblems.Invalid(errors);
        }

        if (AdminRequests.IfMatch(http, out var versionProblem) is not { } version)
        {
            return versionProblem!;
        }

        if (await service.FindAsync(id) is not { } user)
        {
            return AdminProblems.NotFound();
        }

        if (!string.Equals(user.ConcurrencyStamp, version, StringComparison.Ordinal))
        {
            return AdminProblems.Conflict(await service.StatusAsync(user));
        }

        var outcome = await change(user, body!, reason!, Officer.Of(http));
        if (outcome.Errors is { } invalid)
        {
            return AdminProblems.Invalid(invalid);
        }

        var current = await service.FindAsync(id) ?? user;
        var status = await service.StatusAsync(current);
        if (outcome.Conflict)
        {
            return AdminProblems.Conflict(status);
        }

        AdminRequests.SetVersion(http, status.Version);
        return TypedResults.Ok(status);
    }

    /// <summary>The JSON body (at most 16 KB); a problem when it is not JSON of the expected shape.</summary>
    private static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(HttpContext http)
        where T : class
    {
        if (http.Request.ContentLength is > MaxBodyBytes)
        {
            return (null, AdminProblems.Invalid("body", "El cuerpo es demasiado grande / The body is too large"));
        }

        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[4096];
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxBodyBytes)
                {
                    return (null, AdminProblems.Invalid("body", "El cuerpo es demasiado grande / The body is too large"));
                }
            }

            if (buffer.Length == 0)
            {
                return (null, null);
            }

            buffer.Position = 0;
            return (await JsonSerializer.DeserializeAsync<T>(buffer, AdminJson.Options, http.RequestAborted), null);
        }
        catch (JsonException)
        {
            return (null, AdminProblems.Invalid("body", "El cuerpo no es JSON válido con los campos esperados / The body is not valid JSON with the expected fields"));
        }
    }

    private static void ValidateRepresentative(LegalRepresentativeRequest body, Dictionary<string, string[]> errors)
    {
        if (!Cedula.TryParse(body.Cedula, out _))
        {
            errors["cedula"] = ["La cédula del representante legal no es válida / The legal representative's cédula is not valid"];
        }

        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Trim().Length > 200 || body.Name.Any(char.IsControl))
        {
            errors["name"] = ["Ingrese el nombre del representante legal (hasta 200 caracteres) / Enter the legal representative's name (up to 200 characters)"];
        }
    }

    private static void ValidateOfficialUpdate(OfficialUpdateRequest body, Dictionary<string, string[]> errors)
    {
        var hasEmail = !string.IsNullOrWhiteSpace(body.Email);
        var hasPhone = !string.IsNullOrWhiteSpace(body.Phone);
        if (!hasEmail && !hasPhone)
        {
            errors["email"] = ["Indique el nuevo correo o el nuevo celular / Give the new email or the new phone"];
        }

        if (hasEmail && !ContactData.TryNormalizeEmail(body.Email, out _))
        {
            errors["email"] = ["El correo no es válido / The email is not valid"];
        }

        if (hasPhone && !ContactData.TryNormalizePhone(body.Phone, out _))
        {
            errors["phone"] = ["El número de celular no es válido / The phone number is not valid"];
        }

        var evidence = body.Evidence;
        if (evidence is null || !DocumentTypes.Contains(evidence.DocumentType, StringComparer.Ordinal))
        {
            errors["evidence.documentType"] = ["Indique el tipo de documento presentado (cedula, passport, other) / Give the document type shown (cedula, passport, other)"];
        }

        var number = evidence?.DocumentNumber?.Trim();
        var validNumber = evidence?.DocumentType == "cedula"
            ? Cedula.TryParse(number, out _)
            : number is { Length: >= 4 and <= 20 } && number.All(char.IsAsciiLetterOrDigit);
        if (!validNumber)
        {
            errors["evidence.documentNumber"] = ["El número del documento no es válido / The document number is not valid"];
        }

        var centre = evidence?.ServiceCentre?.Trim();
        if (centre is null || centre.Length is < 2 or > 100 || centre.Any(char.IsControl))
        {
            errors["evidence.serviceCentre"] = ["Indique el centro de atención (2 a 100 caracteres) / Give the service centre (2 to 100 characters)"];
        }
    }

    /// <summary>An affiliate shows their own cédula; an employer's representative shows theirs.</summary>
    private static bool MatchesHolder(Accounts.IessUser user, string? documentNumber) =>
        Cedula.TryParse(documentNumber, out var cedula) &&
        (user.AccountType == AccountType.Employer ? user.LegalRepresentativeCedula : user.IessId) == cedula.Value;
}

/// <summary>The JSON settings of the admin API's bodies (web defaults: camelCase, case-insensitive names).</summary>
public static class AdminJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}

/// <summary>A change request: every one carries the officer's reason.</summary>
public interface IReasoned
{
    string? Reason { get; }
}

public sealed record ReasonRequest(string? Reason) : IReasoned;

/// <summary><c>channel</c>: <c>email</c> or <c>phone</c>; omitted means the unverified email, else the unverified phone.</summary>
public sealed record ResendVerificationRequest(string? Reason, string? Channel) : IReasoned;

public sealed record LegalRepresentativeRequest(string? Reason, string? Cedula, string? Name) : IReasoned;

public sealed record OfficialUpdateRequest(string? Reason, string? Email, string? Phone, EvidenceRequest? Evidence) : IReasoned;

/// <summary><c>documentType</c>: <c>cedula</c>, <c>passport</c> or <c>other</c>.</summary>
public sealed record EvidenceRequest(string? DocumentType, string? DocumentNumber, string? ServiceCentre);

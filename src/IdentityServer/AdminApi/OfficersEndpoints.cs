using Iess.Identity.Accounts;
using Iess.Identity.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Iess.Identity.AdminApi;

/// <summary>An officer account and the console roles it holds.</summary>
public sealed record OfficerView(
    string Id,
    string IessId,
    string DisplayName,
    string? Email,
    IReadOnlyList<string> Roles,
    bool TwoFactorEnabled,
    bool LockedOut,
    string Version);

/// <summary>The roles an officer should hold from now on (replacing the current ones), and why.</summary>
public sealed record OfficerRolesInput(List<string>? Roles, string? Reason);

/// <summary>Officers and their roles (administrators only). An administrator cannot take away their own administrator role.</summary>
public static class OfficersEndpoints
{
    public static RouteGroupBuilder MapOfficersEndpoints(this RouteGroupBuilder api)
    {
        var officers = api.MapGroup("/officers").RequireAuthorization(AdminApiExtensions.AdministratorPolicy);
        officers.MapGet("/", ListAsync);
        officers.MapGet("/{id}", GetAsync);
        officers.MapPut("/{id}/roles", SetRolesAsync);
        return api;
    }

    private static async Task<IResult> ListAsync(HttpContext http, UserManager<IessUser> users, CancellationToken cancellationToken)
    {
        if (AdminRequests.Paging(http, out var problem) is not { } paging)
        {
            return problem!;
        }

        var query = users.Users.Where(u => u.AccountType == AccountType.Officer);
        var total = await query.CountAsync(cancellationToken);
        var page = await query.OrderBy(u => u.IessId).Skip((paging.Page - 1) * paging.Size).Take(paging.Size).ToListAsync(cancellationToken);
        var items = new List<OfficerView>();
        foreach (var officer in page)
        {
            items.Add(await ViewAsync(users, officer));
        }

        return TypedResults.Ok(new Page<OfficerView>(items, paging.Page, paging.Size, total));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, UserManager<IessUser> users)
    {
        if (await FindAsync(users, id) is not { } officer)
        {
            return AdminProblems.NotFound();
        }

        var view = await ViewAsync(users, officer);
        AdminRequests.SetVersion(http, view.Version);
        return TypedResults.Ok(view);
    }

    private static async Task<IResult> SetRolesAsync(string id, OfficerRolesInput? input, HttpContext http, UserManager<IessUser> users, AuditLog audit)
    {
        if (AdminRequests.Reason(input?.Reason, out var problem) is not { } reason || AdminRequests.IfMatch(http, out problem) is not { } version)
        {
            return problem!;
        }

        var wanted = input!.Roles ?? [];
        if (wanted.Count > OfficerRoles.All.Length || wanted.Any(r => !OfficerRoles.IsKnown(r)))
        {
            return AdminProblems.Invalid("roles", $"Roles válidos / valid roles: {string.Join(", ", OfficerRoles.All)}");
        }

        if (await FindAsync(users, id) is not { } officer)
        {
            return AdminProblems.NotFound();
        }

        var me = Officer.Of(http);
        if (officer.Id == me.UserId && !wanted.Contains(OfficerRoles.Administrator))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "No puede quitarse a sí mismo el rol de administrador; pídalo a otro administrador / You cannot remove your own administrator role; ask another administrator",
                type: "https://iess.gob.ec/problems/self-lockout");
        }

        if (!string.Equals(officer.ConcurrencyStamp, version, StringComparison.Ordinal))
        {
            return AdminProblems.Conflict(await ViewAsync(users, officer));
        }

        var current = (await users.GetRolesAsync(officer)).Where(OfficerRoles.IsKnown).ToList();
        var remove = current.Except(wanted, StringComparer.Ordinal).ToList();
        var add = wanted.Distinct(StringComparer.Ordinal).Except(current, StringComparer.Ordinal).ToList();

        // Each call saves the user with its concurrency stamp checked, so a change racing this one fails here.
        var result = remove.Count > 0 ? await users.RemoveFromRolesAsync(officer, remove) : IdentityResult.Success;
        if (result.Succeeded && add.Count > 0)
        {
            result = await users.AddToRolesAsync(officer, add);
        }

        if (!result.Succeeded)
        {
            var fresh = await FindAsync(users, id);
            return fresh is null ? AdminProblems.NotFound() : AdminProblems.Conflict(await ViewAsync(users, fresh));
        }

        var view = await ViewAsync(users, officer);
        await audit.WriteAsync("officer.roles_changed", "success", officer.Id, me.UserId, http,
            $"roles={string.Join(',', view.Roles)}; before={string.Join(',', current.Order(StringComparer.Ordinal))}; reason={reason}");
        AdminRequests.SetVersion(http, view.Version);
        return TypedResults.Ok(view);
    }

    private static async Task<IessUser?> FindAsync(UserManager<IessUser> users, string id) =>
        id.Length <= 64 && await users.FindByIdAsync(id) is { AccountType: AccountType.Officer } officer ? officer : null;

    private static async Task<OfficerView> ViewAsync(UserManager<IessUser> users, IessUser officer) => new(
        officer.Id,
        officer.IessId,
        officer.DisplayName,
        officer.Email,
        [.. (await users.GetRolesAsync(officer)).Where(OfficerRoles.IsKnown).Order(StringComparer.Ordinal)],
        officer.TwoFactorEnabled,
        await users.IsLockedOutAsync(officer),
        officer.ConcurrencyStamp ?? "");
}

using Iess.Identity.Accounts;
using Iess.Identity.Recovery;
using Microsoft.AspNetCore.Identity;

namespace Iess.Identity.Hosting;

/// <summary>The demo accounts the README lists, created once in Development so a newcomer can sign in at once.</summary>
public sealed class DevelopmentSeeder(UserManager<IessUser> users, SecurityProfile profiles, TimeProvider time, ILogger<DevelopmentSeeder> logger)
{
    /// <summary>The demo officer's authenticator secret (Base32), printed in the README for Development only.</summary>
    public const string OfficerTotpSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    /// <summary>The first demo affiliate's security image (Estrella azul) and answers, printed in the README.</summary>
    public const int DemoSecurityImage = 6;

    public static readonly IReadOnlyDictionary<int, string> DemoSecurityAnswers = new Dictionary<int, string>
    {
        [1] = "Firulais",
        [2] = "Cuenca",
        [3] = "Escuela Fiscal Quito",
    };

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        var maria = await EnsureAsync(new IessUser
        {
            AccountType = AccountType.Affiliate, IessId = "1710034065", GivenNames = "María José", FamilyNames = "Pérez Andrade",
            DateOfBirth = new DateOnly(1985, 3, 14), Email = "maria.perez@example.ec", EmailConfirmed = true,
            PhoneNumber = "+593991234567", PhoneNumberConfirmed = true,
        }, "Chimborazo-Cumbre-2026");
        if (maria is not null)
        {
            await profiles.SetAsync(maria, DemoSecurityImage, DemoSecurityAnswers);
        }

        await EnsureAsync(new IessUser
        {
            AccountType = AccountType.Affiliate, IessId = "0926687856", GivenNames = "Carlos Andrés", FamilyNames = "Mendoza Vera",
            DateOfBirth = new DateOnly(1990, 11, 2), Email = "carlos.mendoza@example.ec", EmailConfirmed = true,
            PhoneNumber = "+593987654321", PhoneNumberConfirmed = true,
        }, "Galapagos-Tortuga-88");

        foreach (var branch in new[] { "0001", "0002" })
        {
            await EnsureAsync(new IessUser
            {
                AccountType = AccountType.Employer, IessId = "1790012344001", Branch = branch, BusinessName = "Exportadora Andina S.A.",
                LegalRepresentativeCedula = "1713175071", LegalRepresentativeName = "Ana Lucía Torres", Email = $"talento.humano{branch}@example.ec",
                EmailConfirmed = true,
            }, "Cacao-Exporta-2026!");
        }

        var officer = await EnsureAsync(new IessUser
        {
            AccountType = AccountType.Officer, IessId = "1104680135", GivenNames = "Luis Fernando", FamilyNames = "Jaramillo",
            Email = "luis.jaramillo@example.ec", EmailConfirmed = true,
        }, "Funcionario-Seguro-2026");
        if (officer is not null)
        {
            await users.AddToRolesAsync(officer, AdminApi.OfficerRoles.All);
            await users.SetAuthenticationTokenAsync(officer, "[AspNetUserStore]", "AuthenticatorKey", OfficerTotpSecret);
            await users.SetTwoFactorEnabledAsync(officer, true);
        }
    }

    private async Task<IessUser?> EnsureAsync(IessUser user, string password)
    {
        user.UserName = IessUser.AccountKey(user.AccountType, user.IessId, user.Branch);
        if (await users.FindByNameAsync(user.UserName) is not null)
        {
            return null;
        }

        user.CreatedAt = time.GetUtcNow();
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Demo account {user.UserName}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }

        logger.LogInformation("Created demo account {UserName}.", user.UserName);
        return user;
    }
}

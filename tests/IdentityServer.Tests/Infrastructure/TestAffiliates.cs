using System.Globalization;
using Iess.Identity.Accounts;
using Iess.Identity.Recovery;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Iess.Identity.Tests.Infrastructure;

/// <summary>Affiliates a test creates for itself through the app's own UserManager and SecurityProfile.</summary>
public static class TestAffiliates
{
    public const string InitialPassword = "Clave-Inicial-Pichincha-2026";
    public const string KnownDateOfBirth = "1985-03-14";

    /// <summary>
    /// A new affiliate with <see cref="InitialPassword"/>, date of birth <see cref="KnownDateOfBirth"/>, security image
    /// <paramref name="image"/>, three answers and a verified email and mobile of its own.
    /// </summary>
    public static async Task<TestAffiliate> CreateAsync(IessServerFactory server, string cedula, string phone, int image, DateTimeOffset now)
    {
        await using var scope = server.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
        var user = new IessUser
        {
            AccountType = AccountType.Affiliate, IessId = cedula, UserName = IessUser.AccountKey(AccountType.Affiliate, cedula),
            GivenNames = "Rosa Elena", FamilyNames = "Quishpe", DateOfBirth = DateOnly.Parse(KnownDateOfBirth, CultureInfo.InvariantCulture),
            Email = $"afiliado.{cedula}@example.ec", EmailConfirmed = true, PhoneNumber = phone, PhoneNumberConfirmed = true,
            CreatedAt = now,
        };
        var created = await users.CreateAsync(user, InitialPassword);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        await scope.ServiceProvider.GetRequiredService<SecurityProfile>().SetAsync(user, image, new Dictionary<int, string>
        {
            [4] = "Segundo", [7] = "Guamán", [11] = "Fanesca",
        });
        return new TestAffiliate(cedula, user.Email, phone, image);
    }

    /// <summary>A valid cédula (Pichincha) no other test uses, from a random draw.</summary>
    public static string NewCedula()
    {
        while (true)
        {
            var candidate = "17" + Random.Shared.Next(0, 6).ToString(CultureInfo.InvariantCulture) + Random.Shared.Next(0, 10_000_000).ToString("D7", CultureInfo.InvariantCulture);
            if (Cedula.IsValidCompact(candidate))
            {
                return candidate;
            }
        }
    }
}

/// <summary>An affiliate a test created for itself.</summary>
public sealed record TestAffiliate(string Cedula, string Email, string Phone, int Image);

/// <summary>
/// Fresh passwords that always pass the policy: four random words, so no run of repeated, consecutive or keyboard
/// characters and no date digits can appear by chance (a random hex string fails the sequence rule about 1 % of the time).
/// </summary>
public static class TestPasswords
{
    private static readonly string[] Words =
    [
        "Volcan", "Colibri", "Tortuga", "Cacao", "Orquidea", "Condor", "Manglar", "Paramo",
        "Llama", "Quinua", "Ceibo", "Guayaba", "Tapir", "Jaguar", "Nevado", "Laguna",
    ];

    public static string New(string prefix) =>
        prefix + "-" + string.Join('-', Enumerable.Range(0, 4).Select(_ => Words[Random.Shared.Next(Words.Length)]));
}

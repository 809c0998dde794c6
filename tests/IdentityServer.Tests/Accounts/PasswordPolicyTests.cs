using System.Globalization;
using System.Text;
using Iess.Identity.Accounts;
using Iess.Identity.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Iess.Identity.Tests.Accounts;

[Collection(AccountsServerCollection.Name)]
public sealed class PasswordPolicyTests(AccountsServer server)
{
    private const string Strong = "Chimborazo-Cumbre-Nevada";

    /// <summary>Runs the server's own password validators (the ones UserManager runs) for a new affiliate.</summary>
    private async Task<IdentityResult> ValidateAsync(string password, IessUser? user = null)
    {
        // es-EC is what every request gets by default.
        CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = new CultureInfo("es-EC");
        await using var scope = server.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
        user ??= new IessUser
        {
            Id = Guid.NewGuid().ToString(),
            AccountType = AccountType.Affiliate,
            IessId = "1710034065",
            GivenNames = "María José",
            FamilyNames = "Pérez Andrade",
            DateOfBirth = new DateOnly(1985, 3, 14),
        };
        var errors = new List<IdentityError>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            errors.AddRange(result.Errors);
        }

        return errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]);
    }

    private static IdentityError SingleError(IdentityResult result, string code)
    {
        Assert.False(result.Succeeded, "the password was accepted");
        var error = Assert.Single(result.Errors);
        Assert.Equal(code, error.Code);
        return error;
    }

    [Fact]
    public void PasswordPolicy_IsTheValidatorUserManagerRuns()
    {
        using var scope = server.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
        Assert.IsType<IessUserManager>(users);
        Assert.Contains(users.PasswordValidators, v => v is PasswordPolicy);
        Assert.IsType<Argon2idPasswordHasher>(users.PasswordHasher);
    }

    [Fact]
    public async Task Validate_SevenCharacters_RefusedInSpanishNamingTheMinimum()
    {
        var error = SingleError(await ValidateAsync("Kq7#vR2"), "PasswordTooShort");
        Assert.Equal("La clave debe tener al menos 8 caracteres. Una frase de varias palabras es fácil de recordar.", error.Description);
    }

    [Fact]
    public async Task Validate_DecomposedAccentsCountAsOneCharacter_LengthMeasuredAfterNormalising()
    {
        // Seven characters typed with combining marks are ten code units; the policy must still count seven.
        var decomposed = "ÑandúPá".Normalize(NormalizationForm.FormD);
        Assert.True(decomposed.Length > 7);
        SingleError(await ValidateAsync(decomposed), "PasswordTooShort");
    }

    [Fact]
    public async Task Validate_EightStrongCharacters_Accepted()
    {
        var result = await ValidateAsync("Vh4!Tz8&");
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Code)));
    }

    [Fact]
    public async Task Validate_SixtyFourCharacterPassphrase_Accepted()
    {
        var passphrase = "el condor pasa sobre el volcan tungurahua al amanecer de junio!!";
        Assert.Equal(64, passphrase.Length);
        var result = await ValidateAsync(passphrase);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Code)));
    }

    [Fact]
    public async Task Validate_OverMaximum_RefusedInSpanishNamingTheMaximum()
    {
        var error = SingleError(await ValidateAsync(string.Concat(Enumerable.Repeat("Cóndor-Andino-", 10))), "PasswordTooLong");
        Assert.Equal("La clave puede tener como máximo 128 caracteres.", error.Description);
    }

    [Fact]
    public async Task Validate_UnicodePassphrase_Accepted()
    {
        var result = await ValidateAsync("Ñandú cañón páramo ☀ 雪山");
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Code)));
    }

    [Fact]
    public async Task CheckPassword_ComposedThenDecomposed_SamePasswordVerifies()
    {
        var composed = "Ñandú-Cañón-Páramo-Ídolo";
        var decomposed = composed.Normalize(NormalizationForm.FormD);
        Assert.NotEqual(composed, decomposed);
        var user = await TestIds.CreateAffiliateAsync(server, composed);

        await using var scope = server.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
        var stored = (await users.FindByIdAsync(user.Id))!;
        Assert.True(await users.CheckPasswordAsync(stored, decomposed));
        Assert.True(await users.CheckPasswordAsync(stored, composed));
        Assert.False(await users.CheckPasswordAsync(stored, "Nandu-Canon-Paramo-Idolo"));
    }

    [Fact]
    public async Task CheckPassword_FullWidthCompatibilityForm_VerifiesAsPlainForm()
    {
        var user = await TestIds.CreateAffiliateAsync(server, "Ｔｉｔｉｃａｃａ-Lago-Azul-77");

        await using var scope = server.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
        Assert.True(await users.CheckPasswordAsync((await users.FindByIdAsync(user.Id))!, "Titicaca-Lago-Azul-77"));
    }

    [Theory]
    [InlineData("password")]
    [InlineData("Password")]
    [InlineData("contraseña123")]
    [InlineData("Contrasena123")]
    [InlineData("iess2024")]
    [InlineData("Ecuador2024!")]
    public async Task Validate_CommonPassword_RefusedInSpanish(string password)
    {
        var error = SingleError(await ValidateAsync(password), "PasswordCommon");
        Assert.Equal("Esa clave es de las más usadas y fáciles de adivinar. Elija otra.", error.Description);
    }

    [Theory]
    [InlineData("qwerty123")]
    [InlineData("123456789")]
    [InlineData("Volcan-123456-Nieve")]
    [InlineData("Volcan-654321-Nieve")]
    [InlineData("Volcan-abcdef-Nieve")]
    [InlineData("Volcan-qwerty-Nieve")]
    [InlineData("Volcan-aaaaaa-Nieve")]
    [InlineData("Volcan-AAAAAA-Nieve")]
    public async Task Validate_SequenceOrRepetition_RefusedInSpanishWithExamples(string password)
    {
        var error = SingleError(await ValidateAsync(password), "PasswordHasSequence");
        Assert.Equal("Evite secuencias y repeticiones como 123456, abcdef, qwerty o aaaaa.", error.Description);
    }

    [Theory]
    [InlineData("Cumbre-1710034065-Nieve")]
    [InlineData("Cumbre-14031985-Nieve")]
    [InlineData("Cumbre-14/03/1985-Nieve")]
    [InlineData("Cumbre-1985-03-14-Nieve")]
    [InlineData("Cumbre-Andrade-Nieve")]
    [InlineData("Cumbre-PEREZ-Nieve")]
    [InlineData("Cumbre-Pérez-Nieve")]
    [InlineData("Cumbre-josé-Nieve")]
    public async Task Validate_ContainsPersonalData_RefusedInSpanish(string password)
    {
        var error = SingleError(await ValidateAsync(password), "PasswordHasPersonalData");
        Assert.Equal("La clave no puede contener su cédula, RUC, fecha de nacimiento ni su nombre.", error.Description);
    }

    [Fact]
    public async Task Validate_SamePasswordForSomeoneElse_Accepted()
    {
        var other = new IessUser
        {
            Id = Guid.NewGuid().ToString(),
            AccountType = AccountType.Affiliate,
            IessId = "0926687856",
            GivenNames = "Carlos Andrés",
            FamilyNames = "Mendoza Vera",
            DateOfBirth = new DateOnly(1990, 11, 2),
        };
        var result = await ValidateAsync("Cumbre-Andrade-Nieve", other);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Code)));
    }

    [Fact]
    public async Task Validate_GuessableButNotListed_RefusedAsWeakInSpanish()
    {
        var error = SingleError(await ValidateAsync("butterfly7"), "PasswordWeak");
        Assert.Equal("La clave es fácil de adivinar. Agregue más palabras o caracteres poco comunes.", error.Description);
    }

    [Fact]
    public async Task Create_WeakPasswordThroughUserManager_NoAccountCreated()
    {
        CultureInfo.CurrentUICulture = new CultureInfo("es-EC");
        await using var scope = server.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
        var cedula = TestIds.NewCedula();
        var result = await users.CreateAsync(
            new IessUser { AccountType = AccountType.Affiliate, IessId = cedula, UserName = IessUser.AccountKey(AccountType.Affiliate, cedula) },
            "password");

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Code == "PasswordCommon" && e.Description.StartsWith("Esa clave", StringComparison.Ordinal));
        Assert.Null(await users.FindByNameAsync(IessUser.AccountKey(AccountType.Affiliate, cedula)));
    }

    private async Task<int> HistoryCountAsync(string userId)
    {
        await using var scope = server.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IessDbContext>().PasswordHistory.CountAsync(h => h.UserId == userId);
    }

    [Fact]
    public async Task ChangePassword_SixTimes_LastFiveRefusedUntilOutOfWindow()
    {
        CultureInfo.CurrentUICulture = new CultureInfo("es-EC");
        string[] passwords =
        [
            "Cotopaxi-Nieve-Lunar-1", "Pichincha-Bosque-Nube-2", "Cayambe-Laguna-Fria-3",
            "Imbabura-Lago-Verde-4", "Sangay-Ceniza-Roja-5", "Antisana-Condor-Gris-6",
        ];
        var user = await TestIds.CreateAffiliateAsync(server, passwords[0]);

        async Task<IdentityResult> ChangeAsync(string current, string next)
        {
            await using var scope = server.CreateScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
            return await users.ChangePasswordAsync((await users.FindByIdAsync(user.Id))!, current, next);
        }

        // The current password and the four before it are "the last 5".
        var current = passwords[0];
        var reused = await ChangeAsync(current, passwords[0]);
        Assert.Equal("No puede repetir ninguna de sus últimas 5 claves.", SingleError(reused, "PasswordReused").Description);
        for (var i = 1; i <= 4; i++)
        {
            Assert.True((await ChangeAsync(current, passwords[i])).Succeeded, $"change {i}");
            current = passwords[i];
            Assert.Equal(i, await HistoryCountAsync(user.Id));
            SingleError(await ChangeAsync(current, passwords[0]), "PasswordReused");
            SingleError(await ChangeAsync(current, passwords[i - 1]), "PasswordReused");
        }

        // Fifth change: the first password falls out of the window, the second is still in it.
        Assert.True((await ChangeAsync(current, passwords[5])).Succeeded, "change 5");
        current = passwords[5];
        SingleError(await ChangeAsync(current, passwords[1]), "PasswordReused");
        Assert.True((await ChangeAsync(current, passwords[0])).Succeeded, "the first password, six changes later");

        await using var check = server.CreateScope();
        var manager = check.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
        var stored = (await manager.FindByIdAsync(user.Id))!;
        Assert.True(await manager.CheckPasswordAsync(stored, passwords[0]));
        Assert.False(await manager.CheckPasswordAsync(stored, passwords[5]));
    }

    [Fact]
    public async Task ResetPassword_ToCurrentPassword_RefusedAndOutgoingHashRecordedOnSuccess()
    {
        CultureInfo.CurrentUICulture = new CultureInfo("es-EC");
        var user = await TestIds.CreateAffiliateAsync(server, "Tungurahua-Fuego-Lento-9");
        await using var scope = server.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
        var stored = (await users.FindByIdAsync(user.Id))!;

        var token = await users.GeneratePasswordResetTokenAsync(stored);
        SingleError(await users.ResetPasswordAsync(stored, token, "Tungurahua-Fuego-Lento-9"), "PasswordReused");
        Assert.Equal(0, await HistoryCountAsync(user.Id));

        Assert.True((await users.ResetPasswordAsync(stored, token, "Quilotoa-Crater-Turquesa-4")).Succeeded);
        Assert.Equal(1, await HistoryCountAsync(user.Id));
        Assert.False((await users.ResetPasswordAsync(stored, "not-a-token", "Tungurahua-Fuego-Lento-9")).Succeeded);
        Assert.Equal(1, await HistoryCountAsync(user.Id));
        Assert.True(await users.CheckPasswordAsync(stored, "Quilotoa-Crater-Turquesa-4"));
    }
}

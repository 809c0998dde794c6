using System.Globalization;
using Iess.Identity.Data;
using Microsoft.AspNetCore.Identity;

namespace Iess.Identity.Accounts;

/// <summary>
/// Loads registry rows (<c>cedula,given_names,family_names,date_of_birth,email,mobile</c>) as affiliate accounts
/// without a password; they use "Generar clave". Every row is checked first: one bad row and nothing is written.
/// </summary>
public sealed class AffiliateImporter(IessDbContext db, ILookupNormalizer normalizer, TimeProvider time)
{
    public const string Header = "cedula,given_names,family_names,date_of_birth,email,mobile";
    public Task<ImportReport> ImportAsync(string path, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return RegistryImport.RunAsync(db, path, new RegistryFormat(
            Header,
            (line, lineNumber, errors) => ParseRow(line, lineNumber, errors, now),
            (lineNumber, row) => $"línea {lineNumber}: cédula repetida en el archivo / duplicated cédula {row.IessId}",
            row => $"cédula {row.IessId}: ya tiene cuenta / already has an account",
            count => $"{count} afiliados importados. / {count} affiliates imported."), cancellationToken);
    }

    private IessUser? ParseRow(string line, int lineNumber, List<string> errors, DateTimeOffset now)
    {
        var fields = line.Split(',');
        if (fields.Length != 6)
        {
            errors.Add($"línea {lineNumber}: se esperaban 6 columnas, hay {fields.Length} / expected 6 columns");
            return null;
        }

        var problems = new List<string>();
        if (!Cedula.TryParse(fields[0], out var cedula))
        {
            problems.Add("cédula no válida / invalid cédula");
        }

        var given = fields[1].Trim();
        var family = fields[2].Trim();
        if (given.Length is 0 or > 100 || family.Length is 0 or > 100)
        {
            problems.Add("nombres o apellidos vacíos o demasiado largos / names empty or too long");
        }

        if (!DateOnly.TryParseExact(fields[3].Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dob) ||
            dob.Year < 1900 || dob > DateOnly.FromDateTime(now.UtcDateTime))
        {
            problems.Add("fecha de nacimiento no válida (AAAA-MM-DD) / invalid date of birth");
        }

        var email = "";
        if (fields[4].Trim().Length > 0 && !ContactData.TryNormalizeEmail(fields[4], out email))
        {
            problems.Add("correo no válido / invalid email");
        }

        var phone = "";
        if (fields[5].Trim().Length > 0 && !ContactData.TryNormalizePhone(fields[5], out phone))
        {
            problems.Add("celular no válido / invalid mobile number");
        }

        if (problems.Count > 0)
        {
            errors.Add($"línea {lineNumber}: {string.Join("; ", problems)}");
            return null;
        }

        var userName = IessUser.AccountKey(AccountType.Affiliate, cedula.Value);
        return new IessUser
        {
            Id = Guid.NewGuid().ToString(),
            UserName = userName,
            NormalizedUserName = normalizer.NormalizeName(userName),
            AccountType = AccountType.Affiliate,
            IessId = cedula.Value,
            GivenNames = given,
            FamilyNames = family,
            DateOfBirth = dob,
            Email = email.Length > 0 ? email : null,
            NormalizedEmail = email.Length > 0 ? normalizer.NormalizeEmail(email) : null,
            PhoneNumber = phone.Length > 0 ? phone : null,
            LockoutEnabled = true,
            SecurityStamp = Guid.NewGuid().ToString("N"),
            ConcurrencyStamp = Guid.NewGuid().ToString(),
            CreatedAt = now,
        };
    }
}

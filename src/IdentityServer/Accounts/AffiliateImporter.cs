using System.Globalization;
using Iess.Identity.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Iess.Identity.Accounts;

/// <summary>
/// Loads registry rows (<c>cedula,given_names,family_names,date_of_birth,email,mobile</c>) as affiliate accounts
/// without a password; they use "Generar clave". Every row is checked first: one bad row and nothing is written.
/// </summary>
public sealed class AffiliateImporter(IessDbContext db, ILookupNormalizer normalizer, TimeProvider time)
{
    public const string Header = "cedula,given_names,family_names,date_of_birth,email,mobile";
    private const int BatchSize = 2000;

    public sealed record Report(bool Succeeded, IReadOnlyList<string> Lines);

    public async Task<Report> ImportAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return new Report(false, [$"No existe el archivo / file not found: {path}"]);
        }

        var errors = new List<string>();
        var rows = new List<IessUser>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        var now = time.GetUtcNow();
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (lineNumber == 1)
            {
                if (!string.Equals(line.Trim().TrimStart('\uFEFF'), Header, StringComparison.OrdinalIgnoreCase))
                {
                    return new Report(false, [$"línea 1: la cabecera debe ser / the header must be: {Header}"]);
                }

                continue;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var row = ParseRow(line, lineNumber, errors, now);
            if (row is not null && !seen.Add(row.IessId))
            {
                errors.Add($"línea {lineNumber}: cédula repetida en el archivo / duplicated cédula {row.IessId}");
            }
            else if (row is not null)
            {
                rows.Add(row);
            }
        }

        var existing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in rows.Select(r => r.UserName!).Chunk(BatchSize))
        {
            existing.UnionWith(await db.Users.AsNoTracking().Where(u => chunk.Contains(u.UserName!)).Select(u => u.UserName!).ToListAsync(cancellationToken));
        }

        foreach (var row in rows.Where(r => existing.Contains(r.UserName!)))
        {
            errors.Add($"cédula {row.IessId}: ya tiene cuenta / already has an account");
        }

        if (errors.Count > 0)
        {
            return new Report(false, [.. errors, $"Nada fue importado ({errors.Count} errores). / Nothing was imported ({errors.Count} errors)."]);
        }

        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var chunk in rows.Chunk(BatchSize))
        {
            db.Users.AddRange(chunk);
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        await transaction.CommitAsync(cancellationToken);
        return new Report(true, [$"{rows.Count} afiliados importados. / {rows.Count} affiliates imported."]);
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

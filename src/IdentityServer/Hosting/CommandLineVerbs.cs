using Iess.Identity.Accounts;
using Iess.Identity.Connect;
using Iess.Identity.Employers;
using Iess.Identity.Enrolment;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Hosting;

/// <summary>
/// Operator commands run instead of the server: <c>migrate</c>, <c>import-affiliates FILE.csv</c>,
/// <c>import-employers FILE.csv</c>, <c>audit verify</c>, <c>add-officer --cedula C --given-names G --family-names F --email E --role R</c>.
/// </summary>
public static class CommandLineVerbs
{
    private static readonly string[] Verbs = ["migrate", "import-affiliates", "import-employers", "audit", "add-officer"];

    /// <summary>The options of <c>add-officer</c>; each takes one value. Other <c>--key=value</c> arguments go to the host.</summary>
    private static readonly string[] OfficerOptions = ["--cedula", "--given-names", "--family-names", "--email", "--role"];

    private const string Usage = "Uso / usage: migrate | import-affiliates FILE.csv | import-employers FILE.csv | audit verify | " +
        "add-officer --cedula C --given-names \"G\" --family-names \"F\" --email E --role helpdesk|supervisor|administrator";

    /// <summary>Separates a leading verb and its arguments from the host's own arguments.</summary>
    public static (string? Verb, string[] VerbArgs, string[] HostArgs) Split(string[] args)
    {
        if (args is ["add-officer", ..])
        {
            var verbArgs = new List<string>();
            var hostArgs = new List<string>();
            for (var i = 1; i < args.Length; i++)
            {
                if (OfficerOptions.Contains(args[i]) && i + 1 < args.Length)
                {
                    verbArgs.AddRange([args[i], args[++i]]);
                }
                else
                {
                    hostArgs.Add(args[i]);
                }
            }

            return (args[0], [.. verbArgs], [.. hostArgs]);
        }

        if (args.Length > 0 && Verbs.Contains(args[0]))
        {
            var verbArgs = args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
            return (args[0], verbArgs, args.Skip(1 + verbArgs.Length).ToArray());
        }

        return (null, [], args);
    }

    public static async Task<int> RunAsync(WebApplication app, string verb, string[] args)
    {
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        switch (verb)
        {
            case "migrate":
                await services.GetRequiredService<StartupTasks>().MigrateAsync(CancellationToken.None);
                Console.WriteLine("Migraciones aplicadas. / Migrations applied.");
                return 0;
            case "import-affiliates" when args.Length == 1:
                var report = await ActivatorUtilities.CreateInstance<AffiliateImporter>(services).ImportAsync(args[0], CancellationToken.None);
                foreach (var line in report.Lines)
                {
                    Console.WriteLine(line);
                }

                return report.Succeeded ? 0 : 1;
            case "import-employers" when args.Length == 1:
                var employers = await ActivatorUtilities.CreateInstance<EmployerImporter>(services).ImportAsync(args[0], CancellationToken.None);
                foreach (var line in employers.Lines)
                {
                    Console.WriteLine(line);
                }

                return employers.Succeeded ? 0 : 1;
            case "audit" when args is ["verify"]:
                var log = services.GetRequiredService<Audit.AuditLog>();
                var (broken, count) = await log.VerifyAsync(CancellationToken.None);
                if (broken is { } sequence)
                {
                    Console.WriteLine($"Cadena de auditoría rota en la secuencia {sequence}. / Audit chain broken at sequence {sequence}.");
                    return 1;
                }

                Console.WriteLine($"Cadena de auditoría íntegra: {count} eventos. / Audit chain intact: {count} events.");
                return 0;
            case "add-officer":
                return await AddOfficerAsync(services, args);
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }

    private static async Task<int> AddOfficerAsync(IServiceProvider services, string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        if (OfficerOptions.Any(o => !values.ContainsKey(o)))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        await services.GetRequiredService<StartupTasks>().EnsureOfficerRolesAsync();
        var (link, problems) = await services.GetRequiredService<OfficerEnrolment>().CreateAsync(
            new NewOfficer(values["--cedula"], values["--given-names"], values["--family-names"], values["--email"], values["--role"]));
        if (link is null)
        {
            foreach (var problem in problems)
            {
                Console.Error.WriteLine(problem);
            }

            return 1;
        }

        var issuer = services.GetRequiredService<IOptions<ConnectOptions>>().Value.Issuer;
        var lifetime = services.GetRequiredService<IOptions<EnrolmentOptions>>().Value.LinkLifetime;
        Console.WriteLine($"Funcionario creado. Enlace de activación (un solo uso, vence en {lifetime.TotalHours:0.#} h): / Officer created. Enrolment link (single use, expires in {lifetime.TotalHours:0.#} h):");
        Console.WriteLine(issuer is null ? link : new Uri(issuer, link).ToString());
        return 0;
    }
}

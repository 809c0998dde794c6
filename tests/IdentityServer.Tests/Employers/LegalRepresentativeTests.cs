using Iess.Identity.Accounts;
using Iess.Identity.Data;
using Iess.Identity.Employers;
using Iess.Identity.Recovery;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Iess.Identity.Tests.Employers;

/// <summary>After an officer records a new legal representative, the old one's cédula no longer opens anything for that branch.</summary>
[Collection(EmployerCollection.Name)]
public sealed class LegalRepresentativeTests(EmployerServerFixture fixture)
{
    [Fact]
    public async Task ChangeLegalRepresentative_InvalidCedula_IsRefusedAndChangesNothing()
    {
        var employer = await fixture.CreateEmployerAsync();

        var result = await ChangeAsync(employer, "1713175072", "Nuevo Representante");

        Assert.False(result.Succeeded);
        Assert.Equal("CedulaInvalid", Assert.Single(result.Errors).Code);
        Assert.Equal(employer.Representative, (await fixture.UserAsync(employer.Ruc, employer.Branch)).LegalRepresentativeCedula);
    }

    [Fact]
    public async Task AfterAChange_TheOldRepresentativeCanNoLongerRecover_ButTheNewOneCan()
    {
        var employer = await fixture.CreateEmployerAsync();
        using var before = fixture.Browser();
        await new EmployerDriver(before).IdentifyAsync(employer.Ruc, employer.Branch, employer.Representative);
        await fixture.MailAsync(employer.Email, "recuperar la clave");
        var newRepresentative = EmployerIds.NewCedula();

        var result = await ChangeAsync(employer, newRepresentative[..3] + " " + newRepresentative[3..], "Lucía Benítez");

        Assert.True(result.Succeeded);
        var user = await fixture.UserAsync(employer.Ruc, employer.Branch);
        Assert.Equal(newRepresentative, user.LegalRepresentativeCedula);
        Assert.Equal("Lucía Benítez", user.LegalRepresentativeName);

        // The flow the old representative had open ends.
        Assert.Equal("/Employer/Recovery?problem=expired", EmployerDriver.Location(await before.Http.GetAsync("/Employer/Recovery/Code")));

        // A new one with the old cédula is a phantom: nothing is sent and no code can pass.
        using var old = fixture.Browser();
        var oldDriver = new EmployerDriver(old);
        Assert.Equal("/Employer/Recovery/Code", EmployerDriver.Location(await oldDriver.IdentifyAsync(employer.Ruc, employer.Branch, employer.Representative)));
        Assert.Null((await fixture.FlowOfAsync(old, FlowKind.EmployerRecovery)).PendingEmail);
        Assert.Contains("Los datos no coinciden", await EmployerDriver.BodyAsync(await oldDriver.CodeAsync("123456")));

        using var current = fixture.Browser();
        var driver = new EmployerDriver(current);
        await driver.IdentifyAsync(employer.Ruc, employer.Branch, newRepresentative);
        var mail = await fixture.MailAsync(employer.Email, "recuperar la clave", index: 1);
        Assert.Equal(2, fixture.MailCount(employer.Email));
        Assert.Equal("/Employer/Recovery/Reset", EmployerDriver.Location(await driver.CodeAsync(EmployerDriver.Code(mail))));

        await using var scope = fixture.Server.CreateScope();
        var audit = await scope.ServiceProvider.GetRequiredService<IessDbContext>().AuditEvents.AsNoTracking()
            .Where(e => e.Type == "employer.legal_representative_changed" && e.Subject == user.Id).ToListAsync();
        Assert.Equal("officer-test", Assert.Single(audit).Actor);
    }

    [Fact]
    public async Task AfterAChange_TheOldRepresentativeCanNoLongerGenerateAPassword()
    {
        var ruc = EmployerIds.NewNaturalPersonRuc();
        var (oldRep, newRep) = (EmployerIds.NewCedula(), EmployerIds.NewCedula());
        var file = Path.Combine(fixture.Server.Folder, Guid.NewGuid().ToString("N") + ".csv");
        await File.WriteAllLinesAsync(file, [EmployerImporter.Header, $"{ruc},1,Panadería La Espiga,{oldRep},Julio Pazmiño,pedidos.{ruc}@example.ec"]);
        await using (var scope = fixture.Server.CreateScope())
        {
            Assert.True((await ActivatorUtilities.CreateInstance<EmployerImporter>(scope.ServiceProvider).ImportAsync(file, CancellationToken.None)).Succeeded);
        }

        Assert.True((await ChangeAsync(new TestEmployer(ruc, "0001", oldRep, ""), newRep, "Carmen Pazmiño")).Succeeded);

        using var browser = fixture.Browser();
        var driver = new EmployerDriver(browser, "/Employer/Activate");
        Assert.Equal("/Employer/Activate/Code", EmployerDriver.Location(await driver.IdentifyAsync(ruc, "0001", oldRep)));
        Assert.Null((await fixture.FlowOfAsync(browser, FlowKind.EmployerActivation)).PendingEmail);
        Assert.Contains("no coinciden", await EmployerDriver.BodyAsync(await driver.CodeAsync("123456")));

        using var current = fixture.Browser();
        await new EmployerDriver(current, "/Employer/Activate").IdentifyAsync(ruc, "0001", newRep);
        await fixture.MailAsync($"pedidos.{ruc}@example.ec", "verificar su correo");
    }

    private async Task<IdentityResult> ChangeAsync(TestEmployer employer, string cedula, string name)
    {
        await using var scope = fixture.Server.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
        var user = await users.FindByNameAsync(IessUser.AccountKey(AccountType.Employer, employer.Ruc, employer.Branch));
        return await scope.ServiceProvider.GetRequiredService<EmployerAccounts>().ChangeLegalRepresentativeAsync(user!, cedula, name, "officer-test");
    }
}

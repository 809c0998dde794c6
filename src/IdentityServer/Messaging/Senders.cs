using System.Net.Http.Headers;
using System.Net.Http.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Cryptography;
using MimeKit.Utils;

namespace Iess.Identity.Messaging;

/// <summary>Sends one email from the outbox.</summary>
public interface IEmailSender
{
    Task SendAsync(OutboxMessage message, CancellationToken cancellationToken);
}

/// <summary>Sends one SMS from the outbox.</summary>
public interface ISmsSender
{
    Task SendAsync(OutboxMessage message, CancellationToken cancellationToken);
}

/// <summary>Email over SMTP with MailKit: an HTML part and a plain-text part, DKIM-signed when a key is configured.</summary>
public sealed class SmtpEmailSender(IOptions<MessagingOptions> options) : IEmailSender
{
    public async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(smtp.FromName, smtp.FromAddress));
        mime.To.Add(MailboxAddress.Parse(message.Recipient));
        mime.Subject = message.Subject ?? "";
        mime.MessageId = MimeUtils.GenerateMessageId(smtp.FromAddress.Split('@')[^1]);
        var body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody };
        mime.Body = body.ToMessageBody();

        if (!string.IsNullOrEmpty(smtp.DkimPrivateKeyPath) && smtp.DkimDomain is { } domain && smtp.DkimSelector is { } selector)
        {
            var signer = new DkimSigner(smtp.DkimPrivateKeyPath, domain, selector)
            {
                HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
                BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            };
            mime.Prepare(EncodingConstraint.SevenBit);
            signer.Sign(mime, [HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId]);
        }

        using var client = new SmtpClient();
        await client.ConnectAsync(smtp.Host, smtp.Port, Enum.Parse<SecureSocketOptions>(smtp.Security, ignoreCase: true), cancellationToken);
        if (!string.IsNullOrEmpty(smtp.Username))
        {
            await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", cancellationToken);
        }

        await client.SendAsync(mime, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}

/// <summary>SMS through the configured HTTP gateway.</summary>
public sealed class HttpSmsSender(HttpClient http, IOptions<MessagingOptions> options) : ISmsSender
{
    public async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var gateway = options.Value.Sms;
        var endpoint = gateway.Endpoint ?? throw new InvalidOperationException("Iess:Messaging:Sms:Endpoint is not configured.");
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = JsonContent.Create(new { to = message.Recipient, text = message.TextBody }),
        };
        if (!string.IsNullOrEmpty(gateway.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", gateway.ApiKey);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}

/// <summary>Development: keeps messages in the outbox, where /dev/mail and /dev/sms show them.</summary>
public sealed class CapturingSender : IEmailSender, ISmsSender
{
    public Task SendAsync(OutboxMessage message, CancellationToken cancellationToken) => Task.CompletedTask;
}

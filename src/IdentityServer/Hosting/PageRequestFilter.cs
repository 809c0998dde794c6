using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iess.Identity.Hosting;

/// <summary>
/// Makes page answers say what happened: a method or <c>?handler=</c> the page has no handler for is a 405 (Razor
/// Pages would otherwise render the page as if it were a GET), and a form shown again because its input was invalid
/// (or, on an <see cref="IRefusingPage"/>, because the post was refused) is a 400, with the page and its Spanish
/// messages as the body.
/// </summary>
internal sealed class PageRequestFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var request = context.HttpContext.Request;
        var reExecuted = context.HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is not null
            || context.HttpContext.Features.Get<IExceptionHandlerPathFeature>() is not null;
        if (context.HandlerMethod is null && !reExecuted && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            context.Result = new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
            return;
        }

        var executed = await next();
        var refusedPost = !HttpMethods.IsGet(request.Method) && context.HandlerInstance is IRefusingPage { Refused: true };
        if (executed.Result is PageResult && (!executed.ModelState.IsValid || refusedPost))
        {
            context.HttpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }
}

/// <summary>A page that says when a post was refused (its form is shown again with the reason): the answer is then a 400.</summary>
public interface IRefusingPage
{
    bool Refused { get; }
}

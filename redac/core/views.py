"""Error pages: styled, in French, and never a stack trace or a setting."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # The 500 template needs nothing from the database: the database may be why we are here.
    return HttpResponseServerError(loader.get_template("500.html").render())

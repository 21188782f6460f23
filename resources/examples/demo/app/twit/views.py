import logging
import os
import random
from pathlib import Path

import waffle
from django.contrib.auth import authenticate, login
from django.contrib.auth.models import User
from django.db import connection
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import health
from .models import Follow, Message

logger = logging.getLogger("twit")

REVISION_FILE = Path(__file__).resolve().parent.parent / "REVISION"


def _revision():
    try:
        return REVISION_FILE.read_text().strip()
    except OSError:
        return "unknown"


def _render(title, messages, request):
    banner = ""
    if waffle.switch_is_active("maintenance_banner"):
        banner = "<p class=banner>Scheduled maintenance tonight.</p>"
    layout = "new" if waffle.flag_is_active(request, "new_timeline") else "classic"
    items = "".join(f"<li><b>{m.author.username}</b> {m.text}</li>" for m in messages)
    html = f"<html><body class={layout}>{banner}<h1>{title}</h1><ul>{items}</ul></body></html>"
    return HttpResponse(html)


def public_timeline(request):
    messages = Message.objects.select_related("author").order_by("-pub_date")[:30]
    return _render("Public timeline", messages, request)


def user_timeline(request, username):
    user = get_object_or_404(User, username=username)
    messages = Message.objects.filter(author=user).select_related("author").order_by("-pub_date")[:30]
    return _render(f"{username}'s timeline", messages, request)


def report(request):
    """A report whose backend fails now and then, on purpose: the demo's logs and alerts need
    real 500s (Django logs each with its traceback)."""
    if random.random() < 0.2:
        raise RuntimeError("report backend timed out after 5 s")
    users = User.objects.count()
    logger.info("report built for %d users", users)
    return JsonResponse({"users": users})


def up(request):
    """Cheap health view for the deploy health gate: the app runs and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("select 1")
    status = 200 if health.HEALTHY else 503
    return JsonResponse({"status": "ok" if status == 200 else "unhealthy", "revision": _revision(),
                         "host": os.environ.get("OPSDECK_HOST", "")}, status=status)


@csrf_exempt
@require_POST
def register(request):
    username, password = request.POST.get("username"), request.POST.get("password")
    if not username or not password or User.objects.filter(username=username).exists():
        return HttpResponseBadRequest("username taken or missing")
    User.objects.create_user(username, f"{username}@example.org", password)
    return HttpResponse("registered", status=201)


@csrf_exempt
@require_POST
def login_view(request):
    user = authenticate(request, username=request.POST.get("username"), password=request.POST.get("password"))
    if user is None:
        return HttpResponse("bad credentials", status=403)
    login(request, user)
    return HttpResponse("ok")


@csrf_exempt
@require_POST
def post_message(request):
    author = request.user if request.user.is_authenticated else User.objects.order_by("?").first()
    if waffle.sample_is_active("sampled_logging"):
        print(f"post by {author.username}")
    Message.objects.create(author=author, text=request.POST.get("text", "")[:500])
    return redirect("public")


@csrf_exempt
@require_POST
def follow(request, username):
    whom = get_object_or_404(User, username=username)
    who = request.user if request.user.is_authenticated else User.objects.order_by("?").first()
    Follow.objects.get_or_create(who=who, whom=whom)
    return HttpResponse("following")

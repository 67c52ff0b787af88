import django
import rest_framework
import rest_framework_simplejwt
from django.http import JsonResponse
from rest_framework import viewsets
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Item
from .serializers import ItemSerializer


@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def health(request):
    return Response({
        "status": "ok",
        "django": django.get_version(),
        "rest_framework": rest_framework.VERSION,
        "simplejwt": rest_framework_simplejwt.__version__,
    })


class MeView(APIView):
    def get(self, request):
        user = request.user
        return Response({
            "id": user.id,
            "username": user.get_username(),
            "email": user.email,
            "is_active": user.is_active,
            "date_joined": user.date_joined,
        })


class ItemViewSet(viewsets.ModelViewSet):
    serializer_class = ItemSerializer

    def get_queryset(self):
        # Only the caller's own items: another user's id answers 404, not 403.
        return Item.objects.filter(owner=self.request.user)

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)


# Django's default error pages are HTML; an API answers JSON.
def not_found(request, exception=None):
    return JsonResponse({"detail": "Not found."}, status=404)


def server_error(request):
    return JsonResponse({"detail": "Server error."}, status=500)

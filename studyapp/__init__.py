"""The study tool: a package of small Django apps.

The URL converter the apps' URLconfs share (`<id:pk>`, studyapp/converters.py) is registered here, so that it
exists before any of those URLconfs is imported, whichever imports first.
"""

from django.urls import register_converter

from studyapp.converters import IdConverter

register_converter(IdConverter, "id")

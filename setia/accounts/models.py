from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The five roles; each is a Django group of the same name."""

    ADMIN = "admin", _("Admin")
    MANAGER = "manager", _("Manager")
    EXECUTIVE = "executive", _("Executive")
    INTERN = "intern", _("Intern")
    VIEWER = "viewer", _("Viewer")


class Language(models.TextChoices):
    INDONESIAN = "id", _("Indonesian")
    ENGLISH = "en", _("English")


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    lead = models.ForeignKey(
        "accounts.User",
        verbose_name=_("lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        """Create a user who logs in with `email` (stored lower-case)."""
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.INDONESIAN
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("can open the admin site"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # How many of the person's notifications are unread, kept by the notifications app in the
    # statements that add and read them: the bell on every page reads it from the user row the
    # request has loaded already, without a query of its own.
    unread_notifications = models.PositiveIntegerField(_("unread notifications"), default=0)
    # Whether an announcement may be waiting for this person's acknowledgement: read with the
    # user on every request, so that the pages of someone with nothing to acknowledge (almost
    # every page) spend no query on the banner. Kept by the announcements app.
    announcements_pending = models.BooleanField(default=False, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def role(self) -> str | None:
        """The user's role (a Role value): the highest of the role groups they belong to.

        The group names come with the permissions (RoleBackend loads both in one query).
        """
        if self.is_superuser:
            return Role.ADMIN
        if not hasattr(self, "_role_names"):
            self.get_all_permissions()
        names = getattr(self, "_role_names", None)
        if names is None:  # another authentication backend answered
            names = set(self.groups.values_list("name", flat=True))
        return next((role for role in Role.values if role in names), None)

    def get_role_display(self) -> str:
        role = self.role
        return str(Role(role).label) if role else ""

"""Page objects of the Ruh Platform: client search, profile, appointments, billing.

The screens a billing run walks through, in the order the procedure visits them::

    profile = RuhSearchPage(page, url).open().find_client(email)  # None: no such client
    rows = profile.past_appointments()                           # every page of the list
    details = profile.open_appointment(rows[0].id).details()    # billed minutes, fee
    invoices = profile.open_invoices()
    edit = invoices.edit_invoice(invoice_id)                     # fill ...
    edit.save()                                                  # ... then commit
"""

from pages.ruh_platform.billing import (
    ChargeInvoiceDialog,
    ChargeLine,
    ChargeResult,
    CreateInvoiceDialog,
    EditInvoiceDialog,
    InvoiceRow,
    PaymentRow,
    RefundPaymentDialog,
    RuhInvoicesPage,
    RuhPaymentsPage,
)
from pages.ruh_platform.clients import (
    AppointmentDetails,
    AppointmentRow,
    ClientMatch,
    PracticeAppointmentRow,
    RuhAppointmentPage,
    RuhAppointmentsPage,
    RuhClientProfilePage,
    RuhSearchPage,
)
from pages.ruh_platform.profile import ClientContact

__all__ = [
    "AppointmentDetails",
    "AppointmentRow",
    "ChargeInvoiceDialog",
    "ChargeLine",
    "ChargeResult",
    "ClientContact",
    "ClientMatch",
    "CreateInvoiceDialog",
    "EditInvoiceDialog",
    "InvoiceRow",
    "PaymentRow",
    "PracticeAppointmentRow",
    "RefundPaymentDialog",
    "RuhAppointmentPage",
    "RuhAppointmentsPage",
    "RuhClientProfilePage",
    "RuhInvoicesPage",
    "RuhPaymentsPage",
    "RuhSearchPage",
]
